import { Controller, Get, Module } from '@nestjs/common';
import { Authenticated, type AuthPrincipal, CurrentUser } from '@pingvas/common';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import {
  bootService,
  eventually,
  type RunningApp,
  TEST_DATABASE_URL,
  tamperedVariants,
  testEnv,
  uniqueName,
  verifyEmailOf,
} from '@pingvas/testing';
import request from 'supertest';
import { loadPaymentServiceConfig } from '../src/config';
import { PAYMENT_DATABASE } from '../src/database';
import { PaymentServiceModule } from '../src/payment-service.module';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

/** Routes behind the shared guard, mounted on payment-service as its own routes would be. */
@Controller('probe')
class GuardedRoutes {
  @Get('me')
  @Authenticated()
  me(@CurrentUser() caller: AuthPrincipal): AuthPrincipal {
    return caller;
  }

  @Get('admin')
  @Authenticated({ role: 'admin' })
  admin(): { ok: true } {
    return { ok: true };
  }
}

describe('the shared guard in another service (payment-service)', () => {
  const namespace = uniqueName('t');
  const bearer = { type: 'bearer' } as const;
  let users: UserServiceUnderTest;
  let schema: TestSchema;
  let payment: RunningApp;
  let session: Session;

  beforeAll(async () => {
    users = await bootUserService(namespace, {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ADMIN_EMAILS: 'root@example.com',
    });
    schema = await createTestSchema(TEST_DATABASE_URL, PAYMENT_DATABASE);
    const config = loadPaymentServiceConfig(
      testEnv({
        schema: schema.schema,
        namespace,
        // A cache far longer than the test: a revoked key refused in time proves the announcement.
        extra: { JWKS_URL: `${users.url}/.well-known/jwks.json`, API_KEY_CACHE_MS: '60000' },
      }),
    );
    @Module({ imports: [PaymentServiceModule.forRoot(config)], controllers: [GuardedRoutes] })
    class PaymentUnderTest {}
    payment = await bootService({ module: PaymentUnderTest }, config);
    session = (await request(users.url).post('/api/v1/auth/signup').send(newAccount()).expect(201))
      .body;
  });

  afterAll(async () => {
    await payment?.close();
    await schema?.drop();
    await users?.stop();
  });

  it('verifies a real access token through the JWKS', async () => {
    const res = await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(session.accessToken, bearer)
      .expect(200);
    expect(res.body).toEqual({
      userId: session.user.id,
      role: 'user',
      via: 'access_token',
      credentialId: expect.any(String),
      sessionId: expect.any(String),
    });
  });

  it.each(['alg none', 'changed payload', 'truncated signature', 'not a JWT'])(
    'refuses a token with %s',
    async (variant) => {
      const res = await request(payment.url)
        .get('/api/v1/probe/me')
        .auth(tamperedVariants(session.accessToken)[variant], bearer)
        .expect(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    },
  );

  it('refuses validly signed tokens that are expired or meant for another audience', async () => {
    const claims = { sub: session.user.id, role: 'user', jti: 'j', iss: 'pingvas', aud: 'pingvas' };
    await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(await users.key.sign(claims), bearer)
      .expect(200);
    await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(await users.key.sign(claims, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), bearer)
      .expect(401);
    await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(await users.key.sign({ ...claims, aud: 'elsewhere' }), bearer)
      .expect(401);
  });

  it('answers 403 FORBIDDEN to a user on an admin route, and lets an admin in', async () => {
    const res = await request(payment.url)
      .get('/api/v1/probe/admin')
      .auth(session.accessToken, bearer)
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const admin = (
      await request(users.url)
        .post('/api/v1/auth/signup')
        .send(newAccount({ email: 'root@example.com' }))
        .expect(201)
    ).body;
    await request(payment.url)
      .get('/api/v1/probe/admin')
      .auth(admin.accessToken, bearer)
      .expect(200);
  });

  it('accepts an API key (checked over RPC) and refuses it soon after revoke, though its answer is cached for 60 s', async () => {
    await verifyEmailOf(users.url, users, session.user.email);
    const key = (
      await request(users.url)
        .post('/api/v1/api-keys')
        .auth(session.accessToken, bearer)
        .send({ name: 'k' })
        .expect(201)
    ).body;
    const res = await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(key.secret, bearer)
      .expect(200);
    expect(res.body).toMatchObject({
      userId: session.user.id,
      via: 'api_key',
      credentialId: key.id,
    });

    await request(users.url)
      .delete(`/api/v1/api-keys/${key.id}`)
      .auth(session.accessToken, bearer)
      .expect(204);
    await eventually(
      async () =>
        (await request(payment.url).get('/api/v1/probe/me').auth(key.secret, bearer)).status === 401
          ? true
          : undefined,
      3000,
      'revoked key refused by payment-service',
    );
  });

  it('refuses an access token at once after its sign-in logs out, and keeps the other sign-ins', async () => {
    const account = newAccount();
    const closing = (await request(users.url).post('/api/v1/auth/signup').send(account).expect(201))
      .body as Session;
    const other = (
      await request(users.url)
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200)
    ).body as Session;
    await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(closing.accessToken, bearer)
      .expect(200);
    await request(users.url)
      .post('/api/v1/auth/logout')
      .send({ refreshToken: closing.refreshToken })
      .expect(204);
    const res = await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(closing.accessToken, bearer)
      .expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
    await request(payment.url).get('/api/v1/probe/me').auth(other.accessToken, bearer).expect(200);
  });

  it.each([
    ['an API key of 5,000 characters', `pv_${'k'.repeat(5000)}`],
    ['an API key of 129 characters', `pv_${'k'.repeat(126)}`],
    ['an empty API key', 'pv_'],
  ])('answers 401 UNAUTHORIZED to %s (checked over RPC), never 400', async (_, secret) => {
    const res = await request(payment.url).get('/api/v1/probe/me').auth(secret, bearer).expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('keeps verifying tokens with the cached keys while user-service is stopped', async () => {
    await users.close();
    await expect(request(users.url).get('/health')).rejects.toThrow(/ECONNREFUSED/);
    await request(payment.url)
      .get('/api/v1/probe/me')
      .auth(session.accessToken, bearer)
      .expect(200);
    const forged = tamperedVariants(session.accessToken)['changed payload'];
    await request(payment.url).get('/api/v1/probe/me').auth(forged, bearer).expect(401);
  });
});
