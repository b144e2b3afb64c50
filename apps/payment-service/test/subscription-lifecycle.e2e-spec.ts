import { randomUUID } from 'node:crypto';
import { AppError } from '@pingvas/common';
import { erasureQueue, type UserDeletedEvent, userDeletedJobId } from '@pingvas/contracts';
import { redisOptionsFromUrl, RpcClient } from '@pingvas/messaging';
import {
  eventually,
  LemonSqueezyStandIn,
  TEST_REDIS_URL,
  uniqueName,
  mailsTo,
  verifyEmailOf,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import {
  bootPaymentService,
  ledgerMismatches,
  lemonSqueezyEnv,
  type PaymentServiceUnderTest,
  postWebhook,
} from '../../../test/support/payment-service';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

const SECRET = 'whsec-test-1234567890';
const VARIANTS = { starter: '1001', pro: '1002', studio: '1003', 'pack-500': '2001' };
const PAYMENT_TABLES = [
  'credit_accounts',
  'credit_ledger',
  'credit_reservations',
  'subscriptions',
  'webhook_events',
  'outbox_payment',
];

describe('payment-service: the subscription over its life', () => {
  const namespace = uniqueName('t');
  const bearer = { type: 'bearer' } as const;
  const lemon = new LemonSqueezyStandIn();
  let users: UserServiceUnderTest;
  let usersRunning = false;
  let payment: PaymentServiceUnderTest;
  let erasure: Queue;
  let nextId = 5000;

  const post = (payload: object) => postWebhook(payment.url, SECRET, payload).expect(200);
  const signUp = async (locale: 'ko' | 'en' = 'en'): Promise<Session> =>
    (
      await request(users.url)
        .post('/api/v1/auth/signup')
        .send({ ...newAccount(), locale })
        .expect(201)
    ).body as Session;
  /** The address verified the way a user does it: the mailed link's token, posted back. */
  const verify = (s: Session) => verifyEmailOf(users.url, { namespace }, s.user.email);
  /** A subscription on `plan`, known both to the stand-in and (by its webhook) to us. */
  const subscribe = async (userId: string, plan: keyof typeof VARIANTS = 'pro') => {
    const id = String(nextId++);
    const s = lemon.addSubscription(id, { variant_id: Number(VARIANTS[plan]) });
    await post({
      meta: { event_name: 'subscription_created', custom_data: { user_id: userId } },
      data: { type: 'subscriptions', id, attributes: { ...s } },
    });
    return id;
  };
  const emailJobs = async (jobId?: string) =>
    payment.sql<{ job_id: string; payload: Record<string, unknown> }>(
      `SELECT "job_id", "payload" FROM "outbox_payment" WHERE "queue" = 'system-email'
        ${jobId ? `AND "job_id" = $1` : ''} ORDER BY "created_at"`,
      jobId ? [jobId] : [],
    );
  const call = (
    method: 'get' | 'post' | 'patch',
    path: string,
    s: Session,
    body?: object,
  ): request.Test => {
    const r = request(payment.url)[method](`/api/v1/${path}`).auth(s.accessToken, bearer);
    return body ? r.send(body) : r;
  };
  const planOf = (userId: string) =>
    payment.app.get(RpcClient).send('payment.plans.forUser', { userId });

  beforeAll(async () => {
    await lemon.start();
    users = await bootUserService(namespace, { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
    usersRunning = true;
    payment = await bootPaymentService(namespace, {
      JWKS_URL: `${users.url}/.well-known/jwks.json`,
      ...lemonSqueezyEnv(lemon, SECRET, VARIANTS),
    });
    erasure = new Queue(erasureQueue('payment'), {
      connection: redisOptionsFromUrl(TEST_REDIS_URL),
      prefix: namespace,
    });
  });

  afterAll(async () => {
    await erasure?.close();
    await payment?.stop();
    if (usersRunning) await users.stop();
    await lemon.stop();
  });

  afterEach(async () => {
    lemon.failWith = undefined;
    expect(await ledgerMismatches(payment)).toEqual([]);
  });

  describe('checkout', () => {
    it('needs a verified email address: 403 EMAIL_NOT_VERIFIED before, a link after', async () => {
      const s = await signUp();
      const before = lemon.requests.length;
      const refused = await call('post', 'billing/checkout', s, { planId: 'pro' }).expect(403);
      expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');
      expect(lemon.requests.length).toBe(before);
      await verify(s);
      await call('post', 'billing/checkout', s, { planId: 'pro' }).expect(201);
    });
  });

  describe('cancel, resume, change, portal', () => {
    it('cancels at period end, resumes, changes plan and links the portal, through the API', async () => {
      const s = await signUp();
      const id = await subscribe(s.user.id);
      const renewsAt = lemon.subscriptions.get(id)!.renews_at;

      const cancelled = await call('post', 'billing/subscription/cancel', s).expect(200);
      expect(cancelled.body).toMatchObject({
        id,
        plan: 'pro',
        status: 'cancelled',
        cancelled: true,
        endsAt: new Date(renewsAt!).toISOString(),
      });
      expect(lemon.requestsFor(id).at(-1)).toMatchObject({ method: 'DELETE' });
      // Paid until the end of the period.
      expect((await planOf(s.user.id)).planId).toBe('pro');
      expect((await call('get', 'billing/subscription', s).expect(200)).body).toEqual(
        cancelled.body,
      );
      // Again: nothing more asked of Lemon Squeezy.
      const calls = lemon.requestsFor(id).length;
      await call('post', 'billing/subscription/cancel', s).expect(200);
      expect(lemon.requestsFor(id).length).toBe(calls);

      const resumed = await call('post', 'billing/subscription/resume', s).expect(200);
      expect(resumed.body).toMatchObject({ status: 'active', cancelled: false, endsAt: null });
      expect(lemon.requestsFor(id).at(-1)).toMatchObject({
        method: 'PATCH',
        headers: { authorization: 'Bearer ls-test-key' },
        body: { data: { type: 'subscriptions', id, attributes: { cancelled: false } } },
      });
      const notCancelled = await call('post', 'billing/subscription/resume', s).expect(409);
      expect(notCancelled.body.code).toBe('NOT_CANCELLED');

      const changed = await call('patch', 'billing/subscription', s, { plan: 'studio' }).expect(
        200,
      );
      expect(changed.body).toMatchObject({ plan: 'studio', planId: 'studio', status: 'active' });
      expect(lemon.requestsFor(id).at(-1)).toMatchObject({
        method: 'PATCH',
        body: { data: { type: 'subscriptions', id, attributes: { variant_id: 1003 } } },
      });
      expect((await planOf(s.user.id)).planId).toBe('studio');

      const portal = await call('get', 'billing/portal', s).expect(200);
      expect(portal.body).toEqual({ url: lemon.subscriptions.get(id)!.urls.customer_portal });
      expect(lemon.requestsFor(id).at(-1)).toMatchObject({ method: 'GET' });
    });

    it('refuses bad plan changes with a code and asks Lemon Squeezy nothing', async () => {
      const s = await signUp();
      const id = await subscribe(s.user.id, 'starter');
      const calls = lemon.requests.length;
      for (const [body, status, code] of [
        [{ plan: 'starter' }, 409, 'SAME_PLAN'],
        [{ plan: 'free' }, 400, 'VALIDATION_FAILED'],
        [{ plan: 'gold' }, 400, 'VALIDATION_FAILED'],
        [{ plan: 'enterprise' }, 400, 'VALIDATION_FAILED'], // a plan, but not for sale
        [{ plan: 'pack-500' }, 400, 'VALIDATION_FAILED'], // a pack, not a plan
        [{ plan: 42 }, 400, 'VALIDATION_FAILED'],
        [{}, 400, 'VALIDATION_FAILED'],
      ] as const) {
        const res = await call('patch', 'billing/subscription', s, body).expect(status);
        expect(res.body.code).toBe(code);
      }
      expect(lemon.requests.length).toBe(calls);
      expect((await call('get', 'billing/subscription', s).expect(200)).body).toMatchObject({
        id,
        plan: 'starter',
      });
    });

    it('answers 404 NO_SUBSCRIPTION without one, and never reaches another user’s', async () => {
      const alice = await signUp();
      const bob = await signUp();
      const id = await subscribe(alice.user.id);
      const calls = lemon.requests.length;
      for (const [method, path, body] of [
        ['post', 'billing/subscription/cancel'],
        ['post', 'billing/subscription/resume'],
        ['patch', 'billing/subscription', { plan: 'studio' }],
        ['get', 'billing/portal'],
      ] as const) {
        const res = await call(method, path, bob, body).expect(404);
        expect(res.body.code).toBe('NO_SUBSCRIPTION');
      }
      expect(lemon.requests.length).toBe(calls);
      expect((await call('get', 'billing/subscription', bob).expect(200)).body).toMatchObject({
        id: null,
        status: 'none',
        plan: 'free',
        cancelled: false,
      });
      expect(lemon.subscriptions.get(id)!.status).toBe('active');
      await request(payment.url).post('/api/v1/billing/subscription/cancel').expect(401);
    });

    it('answers 502 UPSTREAM_ERROR when Lemon Squeezy fails, and changes nothing here', async () => {
      const s = await signUp();
      const id = await subscribe(s.user.id);
      const before = (await call('get', 'billing/subscription', s).expect(200)).body;
      lemon.failWith = 500;
      for (const [method, path, body] of [
        ['post', 'billing/subscription/cancel'],
        ['patch', 'billing/subscription', { plan: 'studio' }],
        ['get', 'billing/portal'],
      ] as const) {
        const res = await call(method, path, s, body).expect(502);
        expect(res.body.code).toBe('UPSTREAM_ERROR');
      }
      lemon.failWith = undefined;
      expect((await call('get', 'billing/subscription', s).expect(200)).body).toEqual(before);
      expect((await planOf(s.user.id)).planId).toBe('pro');
      expect(lemon.subscriptions.get(id)!.status).toBe('active');
    });

    it('lets the webhooks that follow stay the authority', async () => {
      const s = await signUp();
      const id = await subscribe(s.user.id);
      await call('post', 'billing/subscription/cancel', s).expect(200);
      // Lemon Squeezy expires it at the end of the period: the plan falls to free.
      const ls = lemon.subscriptions.get(id)!;
      await post({
        meta: { event_name: 'subscription_expired', custom_data: { user_id: s.user.id } },
        data: {
          type: 'subscriptions',
          id,
          attributes: { ...ls, status: 'expired', updated_at: new Date(Date.now() + 60_000) },
        },
      });
      expect((await planOf(s.user.id)).planId).toBe('free');
      expect((await call('get', 'billing/subscription', s).expect(200)).body).toMatchObject({
        status: 'expired',
      });
      await call('post', 'billing/subscription/cancel', s).expect(404);
    });
  });

  describe('mail', () => {
    const order = (userId: string, orderId: string, variantId: number, extra = {}) => ({
      meta: { event_name: 'order_created', custom_data: { user_id: userId } },
      data: {
        type: 'orders',
        id: orderId,
        attributes: {
          status: 'paid',
          total: 500,
          currency: 'USD',
          user_email: 'paid-with@example.com',
          created_at: '2026-12-01T10:00:00Z',
          urls: { receipt: `https://app.lemonsqueezy.com/my-orders/${orderId}` },
          first_order_item: { variant_id: variantId, product_name: 'Pingvas' },
          ...extra,
        },
      },
    });
    const invoice = (
      name: string,
      userId: string,
      invoiceId: string,
      subscriptionId: string,
      extra = {},
    ) => ({
      meta: { event_name: name, custom_data: { user_id: userId } },
      data: {
        type: 'subscription-invoices',
        id: invoiceId,
        attributes: {
          subscription_id: Number(subscriptionId),
          status: 'paid',
          billing_reason: 'renewal',
          total: 2400,
          currency: 'USD',
          created_at: '2026-12-01T10:00:00Z',
          ...extra,
        },
      },
    });

    it('queues one receipt per paid order, to the account’s address and language, however often it is delivered', async () => {
      const s = await signUp('ko');
      const pack = order(s.user.id, '7001', 2001);
      for (let i = 0; i < 3; i++) await post(pack);
      await post(order(s.user.id, '7001', 2001, { updated_at: 'a retry with another body' }));
      const jobs = await emailJobs('receipt-7001');
      expect(jobs).toHaveLength(1);
      expect(jobs[0].payload).toMatchObject({
        template: 'receipt',
        messageId: 'receipt-7001',
        to: s.user.email,
        locale: 'ko',
        data: {
          orderId: '7001',
          planName: '500 credits',
          amount: 500,
          currency: 'USD',
          paidAt: '2026-12-01T10:00:00.000Z',
          receiptUrl: 'https://app.lemonsqueezy.com/my-orders/7001',
        },
      });
      // A subscription's order is receipted too (its credits come with its invoices).
      await post(order(s.user.id, '7002', 1002));
      await post(order(s.user.id, '7002', 1002));
      expect(await emailJobs('receipt-7002')).toMatchObject([
        { payload: { template: 'receipt', data: { planName: 'Pro' } } },
      ]);
      // Unpaid: no receipt.
      await post(order(s.user.id, '7003', 2001, { status: 'pending' }));
      expect(await emailJobs('receipt-7003')).toEqual([]);
      // Published to the system worker's queue.
      await eventually(
        async () =>
          (
            await payment.sql(
              `SELECT 1 FROM "outbox_payment" WHERE "job_id" = 'receipt-7001' AND "published_at" IS NOT NULL`,
            )
          ).length > 0 || undefined,
        10_000,
        'receipt published',
      );
      await eventually(
        async () =>
          (await mailsTo({ namespace }, s.user.email, 'receipt')).length === 2 || undefined,
        10_000,
        'both receipts in the system-email queue',
      );
      expect(
        (await mailsTo({ namespace }, s.user.email, 'receipt')).map((m) => m.messageId).sort(),
      ).toEqual(['receipt-7001', 'receipt-7002']);
    });

    it('queues one receipt per renewal and one payment-failed mail per failed invoice', async () => {
      const s = await signUp('en');
      const id = await subscribe(s.user.id);
      const initial = invoice('subscription_payment_success', s.user.id, '8000', id, {
        billing_reason: 'initial',
      });
      await post(initial);
      expect(await emailJobs('receipt-invoice-8000')).toEqual([]); // receipted with its order
      const renewal = invoice('subscription_payment_success', s.user.id, '8001', id);
      await post(renewal);
      await post(renewal);
      expect(await emailJobs('receipt-invoice-8001')).toMatchObject([
        {
          payload: {
            template: 'receipt',
            to: s.user.email,
            locale: 'en',
            data: { orderId: '8001', planName: 'Pro', amount: 2400, currency: 'USD' },
          },
        },
      ]);
      const failed = invoice('subscription_payment_failed', s.user.id, '8002', id, {
        status: 'failed',
      });
      const first = await post(failed);
      expect(first.body.outcome).toBe('payment failed: customer mailed');
      await post(failed);
      await post({ ...failed, meta: { ...failed.meta, custom_data: null } }); // linked by subscription
      expect(await emailJobs('payment-failed-8002')).toMatchObject([
        {
          payload: {
            template: 'payment-failed',
            messageId: 'payment-failed-8002',
            to: s.user.email,
            locale: 'en',
            data: { planName: 'Pro' },
          },
        },
      ]);
    });
  });

  describe('erasure', () => {
    const erase = async (userId: string, jobId: string) => {
      const event: UserDeletedEvent = { userId, deletedAt: new Date().toISOString() };
      const job = await erasure.add('user.deleted', event, {
        jobId,
        attempts: 50,
        backoff: { type: 'fixed', delay: 300 },
      });
      return job;
    };
    const finished = (jobId: string) =>
      eventually(
        async () => ((await (await erasure.getJob(jobId))?.isCompleted()) ? true : undefined),
        15_000,
        `erasure ${jobId} done`,
      );
    const mentions = async (text: string) => {
      const found: string[] = [];
      for (const table of PAYMENT_TABLES) {
        const rows = await payment.sql(
          `SELECT 1 FROM "${table}" t WHERE strpos(row_to_json(t)::text, $1) > 0`,
          [text],
        );
        if (rows.length) found.push(`${table}: ${rows.length}`);
      }
      return found;
    };

    it('cancels the subscription at Lemon Squeezy and anonymises, keeping the ledger; twice is safe', async () => {
      const s = await signUp();
      const id = await subscribe(s.user.id);
      await post({
        meta: { event_name: 'order_created', custom_data: { user_id: s.user.id } },
        data: {
          type: 'orders',
          id: '9301',
          attributes: {
            status: 'paid',
            user_email: s.user.email,
            user_name: 'Kim Minji',
            first_order_item: { variant_id: 2001 },
          },
        },
      });
      await payment.app.get(RpcClient).send('payment.credits.reserve', {
        reservationId: randomUUID(),
        userId: s.user.id,
        amount: 50,
        reason: 'a generation',
      });
      const ledgerBefore = await payment.sql<{ n: string; total: string }>(
        `SELECT count(*) AS n, sum("available_delta") AS total FROM "credit_ledger"`,
      );
      expect(await mentions(s.user.id)).not.toEqual([]);
      expect(await emailJobs('receipt-9301')).toHaveLength(1);

      // Lemon Squeezy is down first: the job fails, is retried, and nothing is anonymised early.
      lemon.failWith = 503;
      await erase(s.user.id, userDeletedJobId(s.user.id));
      await eventually(
        async () =>
          ((await erasure.getJob(userDeletedJobId(s.user.id)))?.attemptsMade ?? 0) >= 1 ||
          undefined,
        10_000,
        'a failed attempt',
      );
      expect(await mentions(s.user.id)).not.toEqual([]);
      const deletes = () => lemon.requestsFor(id).filter((r) => r.method === 'DELETE').length;
      const refused = deletes();
      expect(refused).toBeGreaterThanOrEqual(1);
      lemon.failWith = undefined;
      await finished(userDeletedJobId(s.user.id));

      expect(deletes()).toBe(refused + 1);
      expect(lemon.subscriptions.get(id)).toMatchObject({ status: 'cancelled', cancelled: true });
      expect(await mentions(s.user.id)).toEqual([]);
      expect(await mentions(s.user.email)).toEqual([]);
      expect(await mentions('Kim Minji')).toEqual([]);
      // The ledger is all there, under someone nobody can name.
      expect(
        await payment.sql(
          `SELECT count(*) AS n, sum("available_delta") AS total FROM "credit_ledger"`,
        ),
      ).toEqual(ledgerBefore);
      const [sub] = await payment.sql<{ user_id: string; cancelled: boolean }>(
        `SELECT "user_id", "cancelled" FROM "subscriptions" WHERE "id" = $1`,
        [id],
      );
      expect(sub.cancelled).toBe(true);
      const anonymous = sub.user_id;
      expect(anonymous).not.toBe(s.user.id);
      expect(
        await payment.sql(
          `SELECT "available", "reserved" FROM "credit_accounts" WHERE "user_id" = $1`,
          [anonymous],
        ),
      ).toEqual([{ available: 100 + 500 - 50, reserved: 50 }]);
      expect(
        (await payment.sql(`SELECT 1 FROM "credit_ledger" WHERE "user_id" = $1`, [anonymous]))
          .length,
      ).toBeGreaterThanOrEqual(3);

      // Delivered again: nothing more is cancelled or changed.
      await erase(s.user.id, `${userDeletedJobId(s.user.id)}-again`);
      await finished(`${userDeletedJobId(s.user.id)}-again`);
      expect(deletes()).toBe(refused + 1);
      expect(
        (await payment.sql(`SELECT "user_id" FROM "subscriptions" WHERE "id" = $1`, [id]))[0],
      ).toEqual({ user_id: anonymous });

      // Lemon Squeezy's own webhook of that cancel arrives late, still naming the person.
      await post({
        meta: { event_name: 'subscription_cancelled', custom_data: { user_id: s.user.id } },
        data: {
          type: 'subscriptions',
          id,
          attributes: {
            ...lemon.subscriptions.get(id),
            user_email: s.user.email,
            user_name: 'Kim Minji',
            updated_at: new Date(Date.now() + 60_000).toISOString(),
          },
        },
      });
      expect(await mentions(s.user.id)).toEqual([]);
      expect(await mentions(s.user.email)).toEqual([]);
      expect(await mentions('Kim Minji')).toEqual([]);
      expect(
        (await payment.sql(`SELECT "user_id" FROM "subscriptions" WHERE "id" = $1`, [id]))[0],
      ).toEqual({ user_id: anonymous });
    });

    it('erases a user with no subscription, and one payment-service never saw', async () => {
      const userId = randomUUID();
      await payment.app.get(RpcClient).send('payment.plans.forUser', { userId });
      await erase(userId, userDeletedJobId(userId));
      await finished(userDeletedJobId(userId));
      expect(await mentions(userId)).toEqual([]);
      const never = randomUUID();
      await erase(never, userDeletedJobId(never));
      await finished(userDeletedJobId(never));
    });
  });

  describe('export RPC', () => {
    it('pages the ledger as credits/ledger shows it, and the account as balance and subscription do', async () => {
      const s = await signUp();
      await subscribe(s.user.id);
      const rpc = payment.app.get(RpcClient);
      for (let i = 0; i < 4; i++) {
        await post({
          meta: { event_name: 'order_created', custom_data: { user_id: s.user.id } },
          data: {
            type: 'orders',
            id: `95${i}`,
            attributes: { status: 'paid', first_order_item: { variant_id: 2001 } },
          },
        });
      }
      const rest = (await call('get', 'credits/ledger?limit=100', s).expect(200)).body;
      const pages: unknown[][] = [];
      let cursor: string | undefined;
      do {
        const page = await rpc.send('payment.ledger.export', {
          userId: s.user.id,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.items);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(rest.items);

      const account = await rpc.send('payment.account.export', { userId: s.user.id });
      expect(account).toEqual({
        account: (await call('get', 'credits/balance', s).expect(200)).body,
        subscription: (await call('get', 'billing/subscription', s).expect(200)).body,
      });
      const nobody = await rpc.send('payment.account.export', { userId: randomUUID() });
      expect(nobody.subscription).toBeNull();

      for (const bad of [
        { userId: 'not-a-uuid' },
        { userId: s.user.id, cursor: 'abc' },
        { userId: s.user.id, limit: 0 },
      ]) {
        const code = await rpc.send('payment.ledger.export', bad).then(
          () => 'ok',
          (err: AppError) => err.code,
        );
        expect(code).toBe('VALIDATION_FAILED');
      }
    });
  });
  // Last: it stops user-service.
  describe('when user-service cannot answer', () => {
    it('still grants and mails the receipt, to the address the customer paid with', async () => {
      usersRunning = false;
      await users.stop();
      const userId = randomUUID();
      const res = await post({
        meta: { event_name: 'order_created', custom_data: { user_id: userId } },
        data: {
          type: 'orders',
          id: '9901',
          attributes: {
            status: 'paid',
            user_email: 'paid-with@example.com',
            first_order_item: { variant_id: 2001 },
          },
        },
      });
      expect(res.body.outcome).toBe('granted 500 credits; receipt mailed');
      expect(await emailJobs('receipt-9901')).toMatchObject([
        { payload: { to: 'paid-with@example.com', locale: 'ko', template: 'receipt' } },
      ]);
    });
  });
});
