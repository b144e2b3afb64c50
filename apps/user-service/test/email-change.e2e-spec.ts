import { awaitMail, mailsTo, tokenOfLink } from '@pingvas/testing';
import { newAccount, type Session, userServiceTestbed } from '../../../test/support/user-service';

describe('user-service: changing the email address', () => {
  const bed = userServiceTestbed();
  const http = bed.http;
  const bearer = { type: 'bearer' } as const;

  const signup = bed.signup;

  const change = (session: Session, body: object) =>
    http().patch('/api/v1/users/me/email').auth(session.accessToken, bearer).send(body);

  it('mails the new address, changes on its link, and tells the old address', async () => {
    const account = newAccount();
    const session = await signup(account);
    const newEmail = newAccount().email;

    const res = await change(session, {
      email: `  ${newEmail.toUpperCase()} `,
      password: account.password,
    }).expect(202);
    expect(res.body).toEqual({ pendingEmail: newEmail });
    const pending = await http()
      .get('/api/v1/users/me')
      .auth(session.accessToken, bearer)
      .expect(200);
    expect(pending.body).toMatchObject({ email: account.email, pendingEmail: newEmail });

    const mail = await awaitMail(bed.svc, newEmail, 'email-change-verify');
    expect(mail).toMatchObject({ to: newEmail, data: { newEmail, expiresHours: 24 } });
    expect(mail.data.link).toMatch(/^http:\/\/localhost:8080\/verify-email\?token=[\w-]{43}$/);
    // Nothing changed yet: the old address still signs in.
    await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(200);

    const token = tokenOfLink(mail.data.link);
    const verified = await http().post('/api/v1/auth/email/verify').send({ token }).expect(200);
    expect(verified.body).toEqual({ emailVerified: true, email: newEmail });
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body).toMatchObject({ email: newEmail, emailVerified: true, pendingEmail: null });

    const notice = await awaitMail(bed.svc, account.email, 'email-changed');
    expect(notice).toMatchObject({ to: account.email, data: { newEmail } });
    await http()
      .post('/api/v1/auth/login')
      .send({ email: newEmail, password: account.password })
      .expect(200);
    await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(401);
    const reused = await http().post('/api/v1/auth/email/verify').send({ token }).expect(400);
    expect(reused.body.code).toBe('TOKEN_INVALID');
    // The old address is free again.
    await signup(newAccount({ email: account.email }));
  });

  it('refuses a wrong password with 403 WRONG_PASSWORD and mails nothing', async () => {
    const session = await signup();
    const newEmail = newAccount().email;
    const res = await change(session, { email: newEmail, password: 'not my password' }).expect(403);
    expect(res.body.code).toBe('WRONG_PASSWORD');
    await new Promise((r) => setTimeout(r, 200));
    expect(await mailsTo(bed.svc, newEmail)).toEqual([]);
  });

  it('refuses an address another account holds with 409 EMAIL_TAKEN', async () => {
    const account = newAccount();
    const session = await signup(account);
    const other = newAccount();
    await signup(other);
    const res = await change(session, { email: other.email, password: account.password }).expect(
      409,
    );
    expect(res.body.code).toBe('EMAIL_TAKEN');
  });

  it('checks the address again when the link is followed: taken meanwhile is 409, nothing changes', async () => {
    const account = newAccount();
    const session = await signup(account);
    const wanted = newAccount();
    await change(session, { email: wanted.email, password: account.password }).expect(202);
    const mail = await awaitMail(bed.svc, wanted.email, 'email-change-verify');
    await signup(wanted);
    const res = await http()
      .post('/api/v1/auth/email/verify')
      .send({ token: tokenOfLink(mail.data.link) })
      .expect(409);
    expect(res.body.code).toBe('EMAIL_TAKEN');
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body.email).toBe(account.email);
  });

  it('uses only the newest change link, and refuses an expired one', async () => {
    const account = newAccount();
    const session = await signup(account);
    const first = newAccount().email;
    const second = newAccount().email;
    await change(session, { email: first, password: account.password }).expect(202);
    const firstMail = await awaitMail(bed.svc, first, 'email-change-verify');
    await change(session, { email: second, password: account.password }).expect(202);
    const secondMail = await awaitMail(bed.svc, second, 'email-change-verify');
    const me = await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    expect(me.body.pendingEmail).toBe(second);

    const old = await http()
      .post('/api/v1/auth/email/verify')
      .send({ token: tokenOfLink(firstMail.data.link) })
      .expect(400);
    expect(old.body.code).toBe('TOKEN_INVALID');

    await bed.sql(
      `UPDATE "email_tokens" SET "expires_at" = now() - interval '1 second'
        WHERE "user_id" = $1 AND "purpose" = 'email-change'`,
      [session.user.id],
    );
    const expired = await http()
      .post('/api/v1/auth/email/verify')
      .send({ token: tokenOfLink(secondMail.data.link) })
      .expect(400);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
    const after = await http()
      .get('/api/v1/users/me')
      .auth(session.accessToken, bearer)
      .expect(200);
    expect(after.body).toMatchObject({ email: account.email, pendingEmail: null });
  });

  it.each([
    [{ password: 'correct horse battery' }],
    [{ email: 'not an email', password: 'correct horse battery' }],
    [{ email: 'ada@example.org' }],
    [{ email: 'ada@example.org', password: '' }],
    [{ email: ['ada@example.org'], password: 'correct horse battery' }],
  ])('refuses %j with 400 VALIDATION_FAILED', async (body) => {
    const session = await signup();
    const res = await change(session, body).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses the current address with 400, and an anonymous caller with 401', async () => {
    const account = newAccount();
    const session = await signup(account);
    const same = await change(session, { email: account.email, password: account.password });
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('VALIDATION_FAILED');
    await http()
      .patch('/api/v1/users/me/email')
      .send({ email: 'ada@example.org', password: account.password })
      .expect(401);
  });
});
