import { QueueNames, userCreatedJobId } from '@pingvas/contracts';
import { redisOptionsFromUrl } from '@pingvas/messaging';
import { eventually, TEST_REDIS_URL, tamperedVariants, uniqueName } from '@pingvas/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

const credentials = (account: { email: string; password: string }) => ({
  email: account.email,
  password: account.password,
});

describe('user-service: accounts and sessions', () => {
  const namespace = uniqueName('t');
  let svc: UserServiceUnderTest;
  const http = () => request(svc.url);

  async function signup(body = newAccount()): Promise<Session> {
    const res = await http().post('/api/v1/auth/signup').send(body).expect(201);
    return res.body as Session;
  }

  beforeAll(async () => {
    svc = await bootUserService(namespace, {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ADMIN_EMAILS: 'boss@example.com, Chief@Example.com',
      // These tests replay a token at once; the grace for a lost answer has its own test.
      REFRESH_REUSE_GRACE_SECONDS: '0',
    });
  });

  afterAll(async () => {
    await svc?.stop();
  });

  describe('sign-up', () => {
    it('creates the account and answers the user, a token pair and the expiry', async () => {
      const account = newAccount({ email: '  Ada.Lovelace@Example.COM ', displayName: 'Ada' });
      const res = await http().post('/api/v1/auth/signup').send(account).expect(201);
      expect(res.body).toEqual({
        user: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          email: 'ada.lovelace@example.com',
          displayName: 'Ada',
          role: 'user',
          emailVerified: false,
          locale: 'ko',
          createdAt: expect.any(String),
        },
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      expect(JSON.stringify(res.body)).not.toContain(account.password);
      expect(JSON.stringify(res.body)).not.toContain('argon2');
    });

    it('puts a user.created job on the durable user-events queue', async () => {
      const session = await signup();
      const queue = new Queue(QueueNames.userEvents, {
        connection: redisOptionsFromUrl(TEST_REDIS_URL),
        prefix: namespace,
      });
      try {
        const job = await eventually(
          async () => (await queue.getJob(userCreatedJobId(session.user.id))) ?? undefined,
          5000,
          'user.created job queued',
        );
        expect(job.name).toBe('user.created');
        expect(job.data).toMatchObject({
          userId: session.user.id,
          email: session.user.email,
          requestId: expect.any(String),
        });
      } finally {
        await queue.close();
      }
    });

    it('refuses an email already taken, whatever its case or spaces, with 409 EMAIL_TAKEN', async () => {
      const account = newAccount();
      await signup(account);
      const res = await http()
        .post('/api/v1/auth/signup')
        .send({ ...account, email: ` ${account.email.toUpperCase()} ` })
        .expect(409);
      expect(res.body.code).toBe('EMAIL_TAKEN');
    });

    it.each([
      ['9 characters', 'x'.repeat(9)],
      ['257 characters', 'x'.repeat(257)],
    ])(
      'refuses a password of %s with 400 WEAK_PASSWORD and creates nothing',
      async (_, password) => {
        const account = newAccount({ password });
        const res = await http().post('/api/v1/auth/signup').send(account).expect(400);
        expect(res.body.code).toBe('WEAK_PASSWORD');
        await http()
          .post('/api/v1/auth/signup')
          .send({ ...account, password: 'a good long password' })
          .expect(201);
      },
    );

    it('makes the accounts named in ADMIN_EMAILS admins', async () => {
      const session = await signup(newAccount({ email: 'chief@example.com' }));
      expect(session.user.role).toBe('admin');
    });
  });

  describe('login', () => {
    it('answers the same shape as sign-up', async () => {
      const account = newAccount();
      const created = await signup(account);
      const res = await http()
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200);
      expect(res.body.user).toEqual(created.user);
      expect(res.body.refreshToken).not.toBe(created.refreshToken);
    });

    it('gives the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
      const account = newAccount();
      await signup(account);
      const wrong = await http()
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: 'not the password' })
        .expect(401);
      const unknown = await http()
        .post('/api/v1/auth/login')
        .send({ email: 'nobody@example.com', password: 'not the password' })
        .expect(401);
      const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    });
  });

  describe('refresh and logout', () => {
    it('rotates the pair; reusing the old refresh token closes the whole sign-in', async () => {
      const first = await signup();
      const second = (
        await http()
          .post('/api/v1/auth/refresh')
          .send({ refreshToken: first.refreshToken })
          .expect(200)
      ).body as Session;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await http().get('/api/v1/users/me').auth(second.accessToken, { type: 'bearer' }).expect(200);

      const reused = await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: first.refreshToken })
        .expect(401);
      expect(reused.body.code).toBe('REFRESH_REUSED');
      const newest = await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: second.refreshToken })
        .expect(401);
      expect(newest.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('keeps other sign-ins of the same user open when one is closed for reuse', async () => {
      const account = newAccount();
      const phone = await signup(account);
      const laptop = (
        await http().post('/api/v1/auth/login').send(credentials(account)).expect(200)
      ).body as Session;
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: phone.refreshToken })
        .expect(200);
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: phone.refreshToken })
        .expect(401);
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: laptop.refreshToken })
        .expect(200);
    });

    it('logout makes the refresh token useless', async () => {
      const session = await signup();
      await http()
        .post('/api/v1/auth/logout')
        .send({ refreshToken: session.refreshToken })
        .expect(204);
      const res = await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: session.refreshToken })
        .expect(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
      await http()
        .post('/api/v1/auth/logout')
        .send({ refreshToken: session.refreshToken })
        .expect(204);
    });

    it('refuses an unknown refresh token with 401 INVALID_REFRESH_TOKEN', async () => {
      const res = await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: 'made-up' })
        .expect(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    });
  });

  describe('access tokens', () => {
    it('publishes the public key at /.well-known/jwks.json, without the private part', async () => {
      const res = await http().get('/.well-known/jwks.json').expect(200);
      expect(res.body.keys).toEqual([
        {
          kid: svc.key.kid,
          kty: 'OKP',
          crv: 'Ed25519',
          x: expect.any(String),
          alg: 'EdDSA',
          use: 'sig',
        },
      ]);
    });

    it('carries sub, role, jti, sid, iss, aud, exp and the kid header', async () => {
      const session = await signup();
      const [header, payload] = session.accessToken
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header).toEqual({ alg: 'EdDSA', kid: svc.key.kid, typ: 'JWT' });
      expect(payload).toEqual({
        sub: session.user.id,
        role: 'user',
        sid: expect.any(String),
        jti: expect.any(String),
        iss: 'pingvas',
        aud: 'pingvas',
        iat: expect.any(Number),
        exp: payload.iat + 900,
      });
    });

    it.each(['alg none', 'changed payload', 'truncated signature', 'not a JWT'])(
      'refuses a token with %s',
      async (variant) => {
        const session = await signup();
        const res = await http()
          .get('/api/v1/users/me')
          .auth(tamperedVariants(session.accessToken)[variant], { type: 'bearer' })
          .expect(401);
        expect(res.body.code).toBe('UNAUTHORIZED');
      },
    );

    it('refuses tokens signed with the right key but expired, for another audience or issuer', async () => {
      const session = await signup();
      const base = { sub: session.user.id, role: 'user', jti: 'x', iss: 'pingvas', aud: 'pingvas' };
      const forged = [
        await svc.key.sign(base, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
        await svc.key.sign({ ...base, aud: 'another-product' }),
        await svc.key.sign({ ...base, iss: 'someone-else' }),
      ];
      for (const token of forged) {
        await http().get('/api/v1/users/me').auth(token, { type: 'bearer' }).expect(401);
      }
      await http()
        .get('/api/v1/users/me')
        .auth(await svc.key.sign(base), { type: 'bearer' })
        .expect(200);
    });

    it('refuses a token signed by a stranger key that claims our kid', async () => {
      const { signingKeyFixture } = await import('@pingvas/testing');
      const stranger = await signingKeyFixture();
      const session = await signup();
      const token = await stranger.sign(
        { sub: session.user.id, role: 'admin', jti: 'x', iss: 'pingvas', aud: 'pingvas' },
        { kid: svc.key.kid },
      );
      await http().get('/api/v1/users/me').auth(token, { type: 'bearer' }).expect(401);
    });

    it('answers 401 UNAUTHORIZED without credentials', async () => {
      const res = await http().get('/api/v1/users/me').expect(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    });
  });

  describe('profile', () => {
    it('shows and changes the display name', async () => {
      const session = await signup();
      const auth = { type: 'bearer' } as const;
      await http()
        .get('/api/v1/users/me')
        .auth(session.accessToken, auth)
        .expect(200, { ...session.user, pendingEmail: null });
      const res = await http()
        .patch('/api/v1/users/me')
        .auth(session.accessToken, auth)
        .send({ displayName: 'New name' })
        .expect(200);
      expect(res.body.displayName).toBe('New name');
    });

    it('changes the password only with the current one, and closes the other sign-ins', async () => {
      const account = newAccount();
      const here = await signup(account);
      const elsewhere = (
        await http().post('/api/v1/auth/login').send(credentials(account)).expect(200)
      ).body as Session;
      const auth = { type: 'bearer' } as const;

      const missing = await http()
        .patch('/api/v1/users/me')
        .auth(here.accessToken, auth)
        .send({ newPassword: 'a brand new password' })
        .expect(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
      const wrong = await http()
        .patch('/api/v1/users/me')
        .auth(here.accessToken, auth)
        .send({ currentPassword: 'not it at all', newPassword: 'a brand new password' })
        .expect(403);
      expect(wrong.body.code).toBe('WRONG_PASSWORD');
      const weak = await http()
        .patch('/api/v1/users/me')
        .auth(here.accessToken, auth)
        .send({ currentPassword: account.password, newPassword: 'short' })
        .expect(400);
      expect(weak.body.code).toBe('WEAK_PASSWORD');

      await http()
        .patch('/api/v1/users/me')
        .auth(here.accessToken, auth)
        .send({ currentPassword: account.password, newPassword: 'a brand new password' })
        .expect(200);
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: elsewhere.refreshToken })
        .expect(401);
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: here.refreshToken })
        .expect(200);
      await http().post('/api/v1/auth/login').send(credentials(account)).expect(401);
      await http()
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: 'a brand new password' })
        .expect(200);
    });
  });

  describe('bad input never causes a 500', () => {
    it.each([
      ['missing fields', {}],
      ['wrong types', { email: 42, password: ['x'] }],
      [
        'an object where a string belongs',
        { email: { $gt: '' }, password: 'correct horse battery' },
      ],
      ['extra fields', { ...newAccount(), role: 'admin' }],
      ['a non-email', { email: 'not-an-email', password: 'correct horse battery' }],
      [
        'a 100 kB email',
        { email: `${'a'.repeat(100_000)}@example.com`, password: 'correct horse battery' },
      ],
    ])('sign-up with %s is 400 with a code', async (_, body) => {
      const res = await http().post('/api/v1/auth/signup').send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('a 10 MB string is 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(10 * 1024 * 1024) }))
        .expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each([
      ['/api/v1/auth/login', 'a JSON array', [1, 2]],
      ['/api/v1/auth/refresh', 'a number token', { refreshToken: 5 }],
      ['/api/v1/auth/logout', 'no token', {}],
    ])('%s with %s is 400', async (path, _, body) => {
      const res = await http()
        .post(path)
        .send(body as object)
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
