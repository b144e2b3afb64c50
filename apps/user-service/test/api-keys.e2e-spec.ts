import { spawnBuilt, TEST_DATABASE_URL, uniqueName, verifyEmailOf } from '@pingvas/testing';
import request from 'supertest';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

describe('user-service: API keys and roles', () => {
  let svc: UserServiceUnderTest;
  const http = () => request(svc.url);
  const bearer = { type: 'bearer' } as const;

  /** A signed-up user whose address is verified (API keys need it). */
  async function signup(body = newAccount()): Promise<Session> {
    const session = (await http().post('/api/v1/auth/signup').send(body).expect(201))
      .body as Session;
    await verifyEmailOf(svc.url, svc, body.email);
    return session;
  }

  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'), { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
  });

  afterAll(async () => {
    await svc?.stop();
  });

  it('shows the secret once, lists keys without it, and the key authenticates', async () => {
    const owner = await signup();
    const created = await http()
      .post('/api/v1/api-keys')
      .auth(owner.accessToken, bearer)
      .send({ name: 'farm' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'farm',
      prefix: created.body.secret.slice(0, 9),
      createdAt: expect.any(String),
      lastUsedAt: null,
      secret: expect.stringMatching(/^pv_[\w-]{43}$/),
    });

    const list = await http().get('/api/v1/api-keys').auth(owner.accessToken, bearer).expect(200);
    expect(list.body).toEqual([
      {
        id: created.body.id,
        name: 'farm',
        prefix: created.body.prefix,
        createdAt: expect.any(String),
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const me = await http().get('/api/v1/users/me').auth(created.body.secret, bearer).expect(200);
    expect(me.body.id).toBe(owner.user.id);
  });

  it('stops accepting a revoked key at once in user-service', async () => {
    const owner = await signup();
    const key = (
      await http()
        .post('/api/v1/api-keys')
        .auth(owner.accessToken, bearer)
        .send({ name: 'k' })
        .expect(201)
    ).body;
    await http().delete(`/api/v1/api-keys/${key.id}`).auth(owner.accessToken, bearer).expect(204);
    const res = await http().get('/api/v1/users/me').auth(key.secret, bearer).expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
    expect(
      (await http().get('/api/v1/api-keys').auth(owner.accessToken, bearer).expect(200)).body,
    ).toEqual([]);
  });

  it("answers 404 for another user's key, and leaves it working", async () => {
    const owner = await signup();
    const stranger = await signup();
    const key = (
      await http()
        .post('/api/v1/api-keys')
        .auth(owner.accessToken, bearer)
        .send({ name: 'k' })
        .expect(201)
    ).body;
    const res = await http()
      .delete(`/api/v1/api-keys/${key.id}`)
      .auth(stranger.accessToken, bearer)
      .expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
    await http().get('/api/v1/users/me').auth(key.secret, bearer).expect(200);
  });

  it('does not let an API key create or revoke keys', async () => {
    const owner = await signup();
    const key = (
      await http()
        .post('/api/v1/api-keys')
        .auth(owner.accessToken, bearer)
        .send({ name: 'k' })
        .expect(201)
    ).body;
    const res = await http()
      .post('/api/v1/api-keys')
      .auth(key.secret, bearer)
      .send({ name: 'more' })
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    await http().delete(`/api/v1/api-keys/${key.id}`).auth(key.secret, bearer).expect(403);
  });

  it.each([
    ['a blank name', { name: '   ' }],
    ['no name', {}],
    ['a 101-character name', { name: 'x'.repeat(101) }],
  ])('refuses %s with 400', async (_, body) => {
    const owner = await signup();
    const res = await http()
      .post('/api/v1/api-keys')
      .auth(owner.accessToken, bearer)
      .send(body)
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a malformed key id with 400 and an unknown one with 404', async () => {
    const owner = await signup();
    await http().delete('/api/v1/api-keys/not-a-uuid').auth(owner.accessToken, bearer).expect(400);
    await http()
      .delete('/api/v1/api-keys/00000000-0000-4000-8000-000000000000')
      .auth(owner.accessToken, bearer)
      .expect(404);
  });

  it('npm run user:promote makes an existing account admin', async () => {
    const account = newAccount();
    const before = await signup(account);
    expect(before.user.role).toBe('user');
    const cli = spawnBuilt(
      'apps/user-service/src/promote.js',
      { DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA: svc.schema.schema, APP_ENV: 'test' },
      [`  ${account.email.toUpperCase()} `],
    );
    expect(await cli.exited).toBe(0);
    expect(cli.stdout.join('\n')).toContain('is now an admin');
    const after = await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(200);
    expect(after.body.user.role).toBe('admin');
  });

  it('user:promote exits 1 for an unknown email', async () => {
    const cli = spawnBuilt(
      'apps/user-service/src/promote.js',
      { DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA: svc.schema.schema, APP_ENV: 'test' },
      ['nobody@example.com'],
    );
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toContain('no account with email nobody@example.com');
  });
});
