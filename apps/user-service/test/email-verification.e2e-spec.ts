import { awaitMail, mailsTo, tokenOfLink, verifyEmailOf } from '@pingvas/testing';
import { newAccount, userServiceTestbed } from '../../../test/support/user-service';

const WEB = 'https://app.pingvas.test';

describe('user-service: email verification', () => {
  const bed = userServiceTestbed({ PUBLIC_WEB_URL: `${WEB}/` });
  const http = bed.http;
  const bearer = { type: 'bearer' } as const;
  const signup = bed.signup;

  it('mails a link on sign-up that verifies the address once; API keys need it', async () => {
    const account = newAccount();
    const session = await signup({ ...account, locale: 'en' });
    expect(session.user).toMatchObject({ emailVerified: false, locale: 'en' });

    const mail = await awaitMail(bed.svc, account.email, 'email-verify');
    expect(mail).toMatchObject({
      to: account.email,
      locale: 'en',
      messageId: expect.stringMatching(/^[^:]+$/),
      data: { expiresHours: 24 },
    });
    expect(mail.data.link).toMatch(new RegExp(`^${WEB}/verify-email\\?token=[\\w-]{43}$`));

    const refused = await http()
      .post('/api/v1/api-keys')
      .auth(session.accessToken, bearer)
      .send({ name: 'k' })
      .expect(403);
    expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');

    const token = tokenOfLink(mail.data.link);
    const verified = await http().post('/api/v1/auth/email/verify').send({ token }).expect(200);
    expect(verified.body).toEqual({ emailVerified: true, email: account.email });
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body).toMatchObject({ emailVerified: true, pendingEmail: null });

    const reused = await http().post('/api/v1/auth/email/verify').send({ token }).expect(400);
    expect(reused.body.code).toBe('TOKEN_INVALID');

    await http()
      .post('/api/v1/api-keys')
      .auth(session.accessToken, bearer)
      .send({ name: 'k' })
      .expect(201);
  });

  it('mails in Korean by default', async () => {
    const account = newAccount();
    await signup(account);
    expect((await awaitMail(bed.svc, account.email, 'email-verify')).locale).toBe('ko');
  });

  it('refuses an expired token with TOKEN_EXPIRED and leaves the address unverified', async () => {
    const account = newAccount();
    const session = await signup(account);
    const token = tokenOfLink((await awaitMail(bed.svc, account.email, 'email-verify')).data.link);
    await bed.sql(
      `UPDATE "email_tokens" SET "expires_at" = now() - interval '1 second' WHERE "user_id" = $1`,
      [session.user.id],
    );
    const res = await http().post('/api/v1/auth/email/verify').send({ token }).expect(400);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body.emailVerified).toBe(false);
  });

  it.each([
    [{ token: 'not-a-token' }, 'TOKEN_INVALID'],
    [{ token: 'x'.repeat(43) }, 'TOKEN_INVALID'],
    [{}, 'VALIDATION_FAILED'],
    [{ token: '' }, 'VALIDATION_FAILED'],
    [{ token: 42 }, 'VALIDATION_FAILED'],
    [{ token: 'x'.repeat(129) }, 'VALIDATION_FAILED'],
  ])('answers %j with 400 %s', async (body, code) => {
    const res = await http().post('/api/v1/auth/email/verify').send(body).expect(400);
    expect(res.body.code).toBe(code);
  });

  it('does not take a password reset token as a verification', async () => {
    const account = newAccount();
    const session = await signup(account);
    await http().post('/api/v1/auth/password/forgot').send({ email: account.email }).expect(202);
    const reset = await awaitMail(bed.svc, account.email, 'password-reset');
    const res = await http()
      .post('/api/v1/auth/email/verify')
      .send({ token: tokenOfLink(reset.data.link) })
      .expect(400);
    expect(res.body.code).toBe('TOKEN_INVALID');
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body.emailVerified).toBe(false);
  });

  it('resends a new link, after which the older one no longer works', async () => {
    const account = newAccount();
    const session = await signup(account);
    const first = await awaitMail(bed.svc, account.email, 'email-verify');
    await http().post('/api/v1/auth/email/verify/resend').expect(401);
    const resent = await http()
      .post('/api/v1/auth/email/verify/resend')
      .auth(session.accessToken, bearer)
      .expect(202);
    expect(resent.body).toEqual({});
    const second = await awaitMail(bed.svc, account.email, 'email-verify', { after: 1 });
    expect(second.data.link).not.toBe(first.data.link);
    expect(second.messageId).not.toBe(first.messageId);

    const old = await http()
      .post('/api/v1/auth/email/verify')
      .send({ token: tokenOfLink(first.data.link) })
      .expect(400);
    expect(old.body.code).toBe('TOKEN_INVALID');
    await http()
      .post('/api/v1/auth/email/verify')
      .send({ token: tokenOfLink(second.data.link) })
      .expect(200);

    const again = await http()
      .post('/api/v1/auth/email/verify/resend')
      .auth(session.accessToken, bearer)
      .expect(409);
    expect(again.body.code).toBe('EMAIL_ALREADY_VERIFIED');
    expect(await mailsTo(bed.svc, account.email, 'email-verify')).toHaveLength(2);
  });

  it('verifies through the test helper the way a user does', async () => {
    const account = newAccount();
    const session = await signup(account);
    await verifyEmailOf(bed.svc.url, bed.svc, account.email);
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body.emailVerified).toBe(true);
  });

  it('changes the mail language with PATCH users/me, and refuses an unknown one', async () => {
    const session = await signup();
    const res = await http()
      .patch('/api/v1/users/me')
      .auth(session.accessToken, bearer)
      .send({ locale: 'en' })
      .expect(200);
    expect(res.body.locale).toBe('en');
    const bad = await http()
      .patch('/api/v1/users/me')
      .auth(session.accessToken, bearer)
      .send({ locale: 'fr' })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body.locale).toBe('en');
  });
});
