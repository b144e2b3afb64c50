import { awaitMail, mailsTo, TEST_DATABASE_URL, tokenOfLink, uniqueName } from '@pingvas/testing';
import { Client } from 'pg';
import request from 'supertest';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
  userServiceTestbed,
} from '../../../test/support/user-service';

const NEW_PASSWORD = 'a brand new passphrase';

describe('user-service: forgotten passwords', () => {
  const bed = userServiceTestbed();
  const http = bed.http;
  const bearer = { type: 'bearer' } as const;

  const signup = bed.signup;

  async function resetLink(email: string, after = 0): Promise<string> {
    await http().post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    const mail = await awaitMail(bed.svc, email, 'password-reset', { after });
    expect(mail.data.expiresMinutes).toBe(60);
    expect(mail.data.link).toMatch(/^http:\/\/localhost:8080\/reset-password\?token=[\w-]{43}$/);
    return tokenOfLink(mail.data.link);
  }

  it('answers a known and an unknown address alike, and mails only the known one', async () => {
    const account = newAccount();
    await signup(account);
    const unknown = newAccount().email;
    const answers = [];
    for (const email of [account.email, unknown]) {
      answers.push(await http().post('/api/v1/auth/password/forgot').send({ email }).expect(202));
    }
    const shape = (res: request.Response) => ({
      status: res.status,
      body: res.body as unknown,
      text: res.text,
      headers: Object.keys(res.headers)
        .filter(
          (h) => !['date', 'x-request-id', 'etag'].includes(h) && !h.startsWith('x-ratelimit'),
        )
        .sort()
        .map((h) => [h, h === 'content-length' || h === 'content-type' ? res.headers[h] : '']),
    });
    expect(shape(answers[1])).toEqual(shape(answers[0]));
    expect(answers[0].body).toEqual({});

    await awaitMail(bed.svc, account.email, 'password-reset');
    // The unknown address's work ran as soon as the known one's: nothing was queued for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailsTo(bed.svc, unknown)).toEqual([]);
    expect(await mailsTo(bed.svc, account.email, 'password-reset')).toHaveLength(1);
  });

  it('answers before any work on the account: with its tokens table locked, still 202', async () => {
    const account = newAccount();
    await signup(account);
    const locker = new Client({
      connectionString: TEST_DATABASE_URL,
      options: `-c search_path=${bed.svc.schema.schema}`,
    });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "email_tokens" IN ACCESS EXCLUSIVE MODE');
      await http().post('/api/v1/auth/password/forgot').send({ email: account.email }).expect(202);
      // The reset link cannot have been written while the lock is held.
      expect(await mailsTo(bed.svc, account.email, 'password-reset')).toEqual([]);
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    await awaitMail(bed.svc, account.email, 'password-reset');
  });

  it('sets the new password once, signs every session out, and mails a notice', async () => {
    const account = newAccount();
    const session = await signup(account);
    const other = (
      await http()
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200)
    ).body as Session;
    const token = await resetLink(account.email);

    const res = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token, password: NEW_PASSWORD })
      .expect(204);
    expect(res.text).toBe('');

    for (const s of [session, other]) {
      const refresh = await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: s.refreshToken })
        .expect(401);
      expect(refresh.body.code).toBe('INVALID_REFRESH_TOKEN');
      await http().get('/api/v1/users/me').auth(s.accessToken, bearer).expect(401);
    }
    await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(401);
    const login = await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: NEW_PASSWORD })
      .expect(200);
    // Following the mailed link proved the address too.
    expect(login.body.user.emailVerified).toBe(true);

    const again = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token, password: 'yet another passphrase' })
      .expect(400);
    expect(again.body.code).toBe('TOKEN_INVALID');
    const notice = await awaitMail(bed.svc, account.email, 'password-changed');
    expect(notice).toMatchObject({ to: account.email, locale: 'ko', data: {} });
  });

  it('refuses a weak password without spending the link', async () => {
    const account = newAccount();
    await signup(account);
    const token = await resetLink(account.email);
    const weak = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token, password: 'short' })
      .expect(400);
    expect(weak.body.code).toBe('WEAK_PASSWORD');
    await http()
      .post('/api/v1/auth/password/reset')
      .send({ token, password: NEW_PASSWORD })
      .expect(204);
  });

  it('refuses an expired link with TOKEN_EXPIRED, and an older link once a newer one is sent', async () => {
    const account = newAccount();
    const session = await signup(account);
    const first = await resetLink(account.email);
    const second = await resetLink(account.email, 1);
    const older = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token: first, password: NEW_PASSWORD })
      .expect(400);
    expect(older.body.code).toBe('TOKEN_INVALID');

    await bed.sql(
      `UPDATE "email_tokens" SET "expires_at" = now() - interval '1 second'
        WHERE "user_id" = $1 AND "purpose" = 'password-reset'`,
      [session.user.id],
    );
    const expired = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token: second, password: NEW_PASSWORD })
      .expect(400);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
    await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(200);
  });

  it('does not take a verification token as a reset token', async () => {
    const account = newAccount();
    await signup(account);
    const verify = await awaitMail(bed.svc, account.email, 'email-verify');
    const res = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token: tokenOfLink(verify.data.link), password: NEW_PASSWORD })
      .expect(400);
    expect(res.body.code).toBe('TOKEN_INVALID');
  });

  it.each([
    ['forgot', {}],
    ['forgot', { email: 'not an email' }],
    ['forgot', { email: 42 }],
    ['forgot', { email: `${'a'.repeat(320)}@example.com` }],
    ['reset', { password: NEW_PASSWORD }],
    ['reset', { token: 'x', password: 42 }],
    ['reset', { token: '', password: NEW_PASSWORD }],
  ])('refuses %s %j with 400 VALIDATION_FAILED', async (route, body) => {
    const res = await http().post(`/api/v1/auth/password/${route}`).send(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an unknown reset token with TOKEN_INVALID', async () => {
    const res = await http()
      .post('/api/v1/auth/password/reset')
      .send({ token: 'x'.repeat(43), password: NEW_PASSWORD })
      .expect(400);
    expect(res.body.code).toBe('TOKEN_INVALID');
  });
});

describe('user-service: rate limits of the mailed links', () => {
  let svc: UserServiceUnderTest;
  const http = () => request(svc.url);

  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'), { AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });

  afterAll(async () => {
    await svc?.stop();
  });

  const forgot = (email: string, ip: string) =>
    http().post('/api/v1/auth/password/forgot').set('X-Forwarded-For', ip).send({ email });

  it('limits forgot per address, whatever the IP', async () => {
    const email = newAccount().email;
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) await forgot(email, ip).expect(202);
    const res = await forgot(email.toUpperCase(), '10.0.0.4').expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits forgot per IP, whatever the address', async () => {
    for (let i = 0; i < 3; i++) await forgot(newAccount().email, '10.0.1.1').expect(202);
    const res = await forgot(newAccount().email, '10.0.1.1').expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    await forgot(newAccount().email, '10.0.1.2').expect(202);
  });

  it('limits resending the verification mail per user', async () => {
    const signed = await http()
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', '10.0.2.1')
      .send(newAccount())
      .expect(201);
    const resend = (ip: string) =>
      http()
        .post('/api/v1/auth/email/verify/resend')
        .set('X-Forwarded-For', ip)
        .auth(signed.body.accessToken, { type: 'bearer' });
    for (const ip of ['10.0.2.2', '10.0.2.3', '10.0.2.4']) await resend(ip).expect(202);
    const res = await resend('10.0.2.5').expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });
});
