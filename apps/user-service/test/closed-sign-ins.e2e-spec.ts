import { eventually, sparePort, TestRedisServer, uniqueName } from '@pingvas/testing';
import request from 'supertest';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

const bearer = { type: 'bearer' } as const;

/** Access tokens of a closed sign-in stop working at once, not when they expire (15 min). */
describe('user-service: a closed sign-in closes its access tokens at once', () => {
  let redis: TestRedisServer;
  let svc: UserServiceUnderTest;
  const http = () => request(svc.url);
  const me = (token: string) => http().get('/api/v1/users/me').auth(token, bearer);

  async function signIn(account = newAccount(), fresh = true): Promise<Session> {
    const res = fresh
      ? await http().post('/api/v1/auth/signup').send(account).expect(201)
      : await http()
          .post('/api/v1/auth/login')
          .send({ email: account.email, password: account.password })
          .expect(200);
    return res.body as Session;
  }

  beforeAll(async () => {
    // A Redis of its own: the last test stops it.
    redis = new TestRedisServer(await sparePort());
    await redis.start();
    svc = await bootUserService(uniqueName('t'), {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      REDIS_URL: redis.url,
      // The test replays a token at once; the grace for a lost answer is tested in refresh-cookie.
      REFRESH_REUSE_GRACE_SECONDS: '0',
    });
  });

  afterAll(async () => {
    await svc?.stop();
    await redis?.stop();
  });

  it('refuses the access token with 401 right after logout', async () => {
    const session = await signIn();
    await me(session.accessToken).expect(200);
    await http()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: session.refreshToken })
      .expect(204);
    const res = await me(session.accessToken).expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses the tokens of a sign-in closed for a reused refresh token, and only those', async () => {
    const account = newAccount();
    const phone = await signIn(account);
    const laptop = await signIn(account, false);
    const rotated = (
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: phone.refreshToken })
        .expect(200)
    ).body as Session;
    await http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: phone.refreshToken })
      .expect(401);
    await me(phone.accessToken).expect(401);
    await me(rotated.accessToken).expect(401);
    await me(laptop.accessToken).expect(200);
  });

  it("refuses the other sign-ins' tokens after a password change, and keeps the caller's", async () => {
    const account = newAccount();
    const here = await signIn(account);
    const elsewhere = await signIn(account, false);
    await http()
      .patch('/api/v1/users/me')
      .auth(here.accessToken, bearer)
      .send({ currentPassword: account.password, newPassword: 'a brand new password' })
      .expect(200);
    await me(elsewhere.accessToken).expect(401);
    await me(here.accessToken).expect(200);
  });

  it('fails open while Redis is away (reads go on), and a logout then asks to be retried', async () => {
    const session = await signIn();
    await redis.stop();
    // The check cannot be made: the token is taken as not revoked, never a 500.
    await me(session.accessToken).expect(200);
    const logout = await http()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: session.refreshToken })
      .expect(503);
    expect(logout.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(logout.headers['retry-after']).toBe('2');

    await redis.start();
    // The retry finds the sign-in closed in the database and closes its tokens too.
    await eventually(
      async () =>
        (await http().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }))
          .status === 204 || undefined,
      10_000,
      'logout taken once Redis is back',
    );
    await me(session.accessToken).expect(401);
  });
});
