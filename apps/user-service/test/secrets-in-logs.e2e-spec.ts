import {
  awaitMail,
  spawnBuilt,
  type SpawnedProcess,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  tokenOfLink,
  uniqueName,
} from '@pingvas/testing';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { USER_DATABASE } from '../src/database';
import { newAccount } from '../../../test/support/user-service';

/**
 * The built service as a real process at the most verbose log level: after sign-up, login,
 * refresh, logout and API-key use, no password, hash, refresh token or key secret appears in
 * anything it wrote.
 */
describe('user-service never logs secrets', () => {
  let schema: TestSchema;
  let proc: SpawnedProcess;
  let url: string;
  const namespace = uniqueName('t');

  beforeAll(async () => {
    schema = await createTestSchema(TEST_DATABASE_URL, USER_DATABASE);
    proc = spawnBuilt('apps/user-service/src/main.js', {
      APP_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'trace',
      DATABASE_URL: TEST_DATABASE_URL,
      DB_SCHEMA: schema.schema,
      REDIS_URL: TEST_REDIS_URL,
      RPC_NAMESPACE: namespace,
      QUEUE_PREFIX: namespace,
      JWT_KEYS_DIR: join(tmpdir(), `pingvas-keys-${namespace}`),
    });
    const listening = JSON.parse(
      await proc.waitForLine((l) => l.includes('listening on http'), 30_000),
    );
    url = String(listening.msg).replace('listening on ', '');
  });

  afterAll(async () => {
    proc?.child.kill('SIGTERM');
    await proc?.exited;
    await schema?.drop();
  });

  it('writes none of the secrets it handled', async () => {
    const account = newAccount();
    const session = (await request(url).post('/api/v1/auth/signup').send(account).expect(201)).body;
    // API keys need a verified address: the mailed link, as the user follows it.
    const verifyToken = tokenOfLink(
      (await awaitMail({ namespace }, account.email, 'email-verify')).data.link,
    );
    await request(url).post('/api/v1/auth/email/verify').send({ token: verifyToken }).expect(200);
    await request(url)
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: 'a wrong password here' })
      .expect(401);
    const login = (
      await request(url)
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200)
    ).body;
    const refreshed = (
      await request(url)
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: login.refreshToken })
        .expect(200)
    ).body;
    const key = (
      await request(url)
        .post('/api/v1/api-keys')
        .auth(refreshed.accessToken, { type: 'bearer' })
        .send({ name: 'k' })
        .expect(201)
    ).body;
    await request(url).get('/api/v1/users/me').auth(key.secret, { type: 'bearer' }).expect(200);
    await request(url)
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .expect(200);
    await request(url)
      .post('/api/v1/auth/logout')
      .send({ refreshToken: refreshed.refreshToken })
      .expect(204);
    await request(url)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.refreshToken })
      .expect(401);

    // Let the last lines reach the pipe.
    await request(url).get('/health').set('X-Request-Id', 'last-request').expect(200);
    await new Promise((r) => setTimeout(r, 300));
    const output = [...proc.stdout, ...proc.stderr].join('\n');
    expect(output).toContain('request completed');
    const secrets = {
      password: account.password,
      wrongPassword: 'a wrong password here',
      refreshToken: session.refreshToken,
      rotatedRefreshToken: login.refreshToken,
      newestRefreshToken: refreshed.refreshToken,
      apiKey: key.secret,
      verifyToken,
      accessToken: session.accessToken,
      argon2Hash: '$argon2id$',
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, found: output.includes(secret) }).toEqual({ name, found: false });
    }
  });
});
