import {
  ERASURE_SERVICES,
  erasureQueue,
  QueueNames,
  REFRESH_COOKIE,
  UserDeletedJobName,
  userDeletedJobId,
} from '@pingvas/contracts';
import { awaitMail, eventually, TEST_REDIS_URL, verifyEmailOf } from '@pingvas/testing';
import { Queue } from 'bullmq';
import { newAccount, type Session, userServiceTestbed } from '../../../test/support/user-service';

describe('user-service: deleting the account', () => {
  const bed = userServiceTestbed();
  const http = bed.http;
  const bearer = { type: 'bearer' } as const;

  const signup = bed.signup;

  function queue(name: string): Queue {
    const q = new Queue(name, {
      prefix: bed.svc.namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
    q.on('error', () => undefined);
    return q;
  }

  it('closes every credential at once, erases the rows, tells every service, and frees the address', async () => {
    const account = newAccount();
    const session = await signup(account);
    const userId = session.user.id;
    await verifyEmailOf(bed.svc.url, bed.svc, account.email);
    const key = (
      await http()
        .post('/api/v1/api-keys')
        .auth(session.accessToken, bearer)
        .send({ name: 'farm' })
        .expect(201)
    ).body as { secret: string };
    const other = (
      await http()
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200)
    ).body as Session;
    await http().post('/api/v1/users/me/export').auth(session.accessToken, bearer).expect(202);
    await http()
      .patch('/api/v1/users/me/email')
      .auth(session.accessToken, bearer)
      .send({ email: newAccount().email, password: account.password })
      .expect(202);
    await http().get('/api/v1/users/me').auth(key.secret, bearer).expect(200);
    // Every outbox row of the account so far has gone out.
    await eventually(
      async () =>
        (await bed.sql(`SELECT 1 FROM "outbox_user" WHERE "published_at" IS NULL`)).length === 0
          ? true
          : undefined,
      10_000,
      'the outbox relayed',
    );

    const res = await http()
      .delete('/api/v1/users/me')
      .auth(session.accessToken, bearer)
      .send({ password: account.password })
      .expect(202);
    expect(res.body).toEqual({});
    const cookies = res.get('Set-Cookie') ?? [];
    expect(cookies.join('\n')).toMatch(
      new RegExp(`${REFRESH_COOKIE.name}=;.*Expires=Thu, 01 Jan 1970 00:00:00 GMT`),
    );

    // Refused right after the answer, every one of them.
    for (const token of [session.accessToken, other.accessToken, key.secret]) {
      const refused = await http().get('/api/v1/users/me').auth(token, bearer).expect(401);
      expect(refused.body.code).toBe('UNAUTHORIZED');
    }
    for (const refreshToken of [session.refreshToken, other.refreshToken]) {
      await http().post('/api/v1/auth/refresh').send({ refreshToken }).expect(401);
    }
    await http()
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(401);

    for (const table of ['refresh_tokens', 'api_keys', 'email_tokens', 'exports']) {
      expect({
        table,
        rows: await bed.sql(`SELECT 1 FROM "${table}" WHERE "user_id" = $1`, [userId]),
      }).toEqual({ table, rows: [] });
    }
    expect(await bed.sql(`SELECT 1 FROM "users" WHERE "id" = $1`, [userId])).toEqual([]);
    // Once relayed, the outbox rows the deletion wrote go too: no row names the user.
    await eventually(
      async () =>
        (
          await bed.sql(
            `SELECT 1 FROM "outbox_user"
              WHERE "payload"::text LIKE '%' || $1 || '%' OR "payload"::text LIKE '%' || $2 || '%'`,
            [userId, account.email],
          )
        ).length === 0
          ? true
          : undefined,
      10_000,
      'no outbox row names the deleted user',
    );

    for (const service of ERASURE_SERVICES) {
      const q = queue(erasureQueue(service));
      try {
        const job = await eventually(
          async () => (await q.getJob(userDeletedJobId(userId))) ?? undefined,
          10_000,
          `user.deleted on ${erasureQueue(service)}`,
        );
        expect(job.name).toBe(UserDeletedJobName);
        expect(job.data).toMatchObject({ userId, deletedAt: expect.any(String) });
        expect(Date.parse(job.data.deletedAt)).toBeGreaterThan(Date.now() - 60_000);
        // An erasure outlasts a long outage of what it depends on (about 12 days of backoff).
        expect(job.opts.attempts).toBe(20);
      } finally {
        await q.close();
      }
    }
    const farewell = await awaitMail(bed.svc, account.email, 'account-deleted');
    expect(farewell).toMatchObject({ to: account.email, locale: 'ko', data: {} });
    // A mail job holds its address: Redis keeps it an hour once sent, not a day.
    const mailQueue = queue(QueueNames.systemEmail);
    try {
      const job = await mailQueue.getJob(farewell.messageId);
      expect(job?.opts.removeOnComplete).toMatchObject({ age: 3600 });
    } finally {
      await mailQueue.close();
    }

    const again = await signup(newAccount({ email: account.email }));
    expect(again.user.id).not.toBe(userId);
    expect(again.user.emailVerified).toBe(false);
  });

  it('refuses a wrong password with 403 WRONG_PASSWORD and deletes nothing', async () => {
    const account = newAccount();
    const session = await signup(account);
    const res = await http()
      .delete('/api/v1/users/me')
      .auth(session.accessToken, bearer)
      .send({ password: 'not my password' })
      .expect(403);
    expect(res.body.code).toBe('WRONG_PASSWORD');
    await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    const q = queue(erasureQueue('payment'));
    try {
      expect(await q.getJob(userDeletedJobId(session.user.id))).toBeUndefined();
    } finally {
      await q.close();
    }
  });

  it.each([[{}], [{ password: '' }], [{ password: 42 }], [{ password: 'x'.repeat(257) }]])(
    'refuses %j with 400 VALIDATION_FAILED',
    async (body) => {
      const session = await signup();
      const res = await http()
        .delete('/api/v1/users/me')
        .auth(session.accessToken, bearer)
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      await http().get('/api/v1/users/me').auth(session.accessToken, bearer).expect(200);
    },
  );

  it('refuses an anonymous caller with 401', async () => {
    await http().delete('/api/v1/users/me').send({ password: 'whatever it is' }).expect(401);
  });
});
