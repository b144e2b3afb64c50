import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LemonSqueezyStandIn,
  type ReceivedMail,
  TestSmtpServer,
  uniqueName,
} from '@pingvas/testing';
import request from 'supertest';
import {
  bootPaymentService,
  lemonSqueezyEnv,
  type PaymentServiceUnderTest,
  postWebhook,
} from '../support/payment-service';
import { type RunningSystemWorker, startSystemWorker } from '../support/system-worker';
import { bootUserService, newAccount, type UserServiceUnderTest } from '../support/user-service';

const SECRET = 'whsec-system-1234567890';
const VARIANTS = { starter: '1001', pro: '1002', studio: '1003', 'pack-500': '2001' };
const bearer = { type: 'bearer' } as const;

/** The one link of a mail's plain text that goes to `path`. */
function linkIn(mail: ReceivedMail, path: string): URL {
  const found = mail.text.match(/https?:\/\/\S+/g)?.find((l) => new URL(l).pathname === path);
  if (!found) throw new Error(`no ${path} link in: ${mail.text}`);
  return new URL(found);
}

/**
 * Issue 17's mail acceptance end to end: user- and payment-service, the built system worker and
 * a real SMTP server receiving what nodemailer sends; only Lemon Squeezy is a stand-in. Each
 * check reads the mail as it arrived at the SMTP server, not the queue.
 */
describe('system: the account over its life, by mail', () => {
  const namespace = uniqueName('t');
  const smtp = new TestSmtpServer();
  const lemon = new LemonSqueezyStandIn();
  let storageDir: string;
  let users: UserServiceUnderTest;
  let payment: PaymentServiceUnderTest;
  let worker: RunningSystemWorker;

  const webhook = (payload: object) => postWebhook(payment.url, SECRET, payload).expect(200);
  const mailTo = async (to: string, subject: RegExp, count = 1) =>
    smtp.waitFor((m) => m.envelope.to.includes(to) && subject.test(m.subject), count, 20_000);

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'pingvas-storage-'));
    await Promise.all([smtp.start(), lemon.start()]);
    users = await bootUserService(namespace, {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      STORAGE_DIR: storageDir,
    });
    payment = await bootPaymentService(namespace, {
      JWKS_URL: `${users.url}/.well-known/jwks.json`,
      ...lemonSqueezyEnv(lemon, SECRET, VARIANTS),
    });
    worker = await startSystemWorker({ namespace, storageDir, smtpUrl: smtp.url });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await worker?.schema.drop();
    await payment?.stop();
    await users?.stop();
    await Promise.all([smtp.stop(), lemon.stop()]);
    await rm(storageDir, { recursive: true, force: true });
  });

  it('mails a Korean verification link on sign-up; it verifies once, then is refused', async () => {
    const account = newAccount();
    const signedUp = await request(users.url)
      .post('/api/v1/auth/signup')
      .send({ ...account, locale: 'ko' })
      .expect(201);
    expect(signedUp.body.user.emailVerified).toBe(false);

    const [mail] = await mailTo(account.email, /인증해 주세요/);
    expect(mail.text).toMatch(/인증/);
    expect(mail.html).toContain('lang="ko"');
    const token = linkIn(mail, '/verify-email').searchParams.get('token');
    await request(users.url).post('/api/v1/auth/email/verify').send({ token }).expect(200);
    const me = await request(users.url)
      .get('/api/v1/users/me')
      .auth(signedUp.body.accessToken as string, bearer)
      .expect(200);
    expect(me.body).toMatchObject({ emailVerified: true, locale: 'ko' });

    const reused = await request(users.url)
      .post('/api/v1/auth/email/verify')
      .send({ token })
      .expect(400);
    expect(reused.body.code).toBe('TOKEN_INVALID');
  });

  it('answers forgot alike for a known and an unknown address and mails only the known one', async () => {
    const account = newAccount();
    const old = await request(users.url).post('/api/v1/auth/signup').send(account).expect(201);
    const unknown = newAccount().email;
    const answers = [];
    for (const email of [unknown, account.email]) {
      const res = await request(users.url)
        .post('/api/v1/auth/password/forgot')
        .send({ email })
        .expect(202);
      answers.push(res.body);
    }
    expect(answers[0]).toEqual(answers[1]);

    const [mail] = await mailTo(account.email, /비밀번호 재설정/);
    const token = linkIn(mail, '/reset-password').searchParams.get('token');
    await request(users.url)
      .post('/api/v1/auth/password/reset')
      .send({ token, password: 'a brand new passphrase' })
      .expect(204);
    await mailTo(account.email, /비밀번호가 변경되었습니다/);

    // The old session is closed, the old password refused, the new one works, the link is spent.
    await request(users.url)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: old.body.refreshToken })
      .expect(401);
    await request(users.url)
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: account.password })
      .expect(401);
    await request(users.url)
      .post('/api/v1/auth/login')
      .send({ email: account.email, password: 'a brand new passphrase' })
      .expect(200);
    const again = await request(users.url)
      .post('/api/v1/auth/password/reset')
      .send({ token, password: 'yet another passphrase' })
      .expect(400);
    expect(again.body.code).toBe('TOKEN_INVALID');
    expect(smtp.to(unknown)).toEqual([]);
    expect(smtp.to(account.email).filter((m) => /재설정/.test(m.subject))).toHaveLength(1);
  });

  it('changes, cancels and resumes a plan at the stand-in, and mails one receipt for five deliveries', async () => {
    const account = newAccount();
    const session = (
      await request(users.url)
        .post('/api/v1/auth/signup')
        .send({ ...account, locale: 'en' })
        .expect(201)
    ).body as { user: { id: string }; accessToken: string };
    const userId = session.user.id;
    const subscriptionId = '9100';
    const attributes = lemon.addSubscription(subscriptionId, { variant_id: Number(VARIANTS.pro) });
    await webhook({
      meta: { event_name: 'subscription_created', custom_data: { user_id: userId } },
      data: { type: 'subscriptions', id: subscriptionId, attributes },
    });
    const call = (method: 'post' | 'patch', path: string) =>
      request(payment.url)[method](`/api/v1/billing/${path}`).auth(session.accessToken, bearer);

    const changed = await call('patch', 'subscription').send({ plan: 'studio' }).expect(200);
    expect(changed.body.plan).toBe('studio');
    const cancelled = await call('post', 'subscription/cancel').expect(200);
    expect(cancelled.body.cancelled).toBe(true);
    const resumed = await call('post', 'subscription/resume').expect(200);
    expect(resumed.body.cancelled).toBe(false);
    expect(lemon.requestsFor(subscriptionId).map((r) => r.method)).toEqual([
      'PATCH',
      'DELETE',
      'PATCH',
    ]);

    const order = {
      meta: { event_name: 'order_created', custom_data: { user_id: userId } },
      data: {
        type: 'orders',
        id: '9200',
        attributes: {
          status: 'paid',
          total: 500,
          currency: 'USD',
          user_email: account.email,
          created_at: '2026-12-01T10:00:00Z',
          urls: { receipt: 'https://app.lemonsqueezy.com/my-orders/9200' },
          first_order_item: { variant_id: Number(VARIANTS['pack-500']), product_name: 'Pingvas' },
        },
      },
    };
    for (let i = 0; i < 5; i++) await webhook(order);
    const [receipt] = await mailTo(account.email, /^\[Pingvas\] Receipt/);
    expect(receipt.text).toContain('9200');
    // Time for any duplicate to arrive: the outbox relays every 2 s.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(smtp.to(account.email).filter((m) => /Receipt/.test(m.subject))).toHaveLength(1);
  });
});
