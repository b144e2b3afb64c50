import { randomUUID } from 'node:crypto';
import { RpcClient } from '@pingvas/messaging';
import { LemonSqueezyStandIn, signedWebhook, uniqueName, verifyEmailOf } from '@pingvas/testing';
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
const VARIANTS = { starter: '1001', pro: '1002', 'pack-500': '2001' };

describe('payment-service: Lemon Squeezy billing', () => {
  const namespace = uniqueName('t');
  const bearer = { type: 'bearer' } as const;
  const lemon = new LemonSqueezyStandIn();
  let users: UserServiceUnderTest;
  let payment: PaymentServiceUnderTest;
  let session: Session;

  const post = (payload: object, signature?: string) =>
    postWebhook(payment.url, SECRET, payload, signature);
  const eventCount = async () =>
    Number((await payment.sql<{ n: string }>(`SELECT count(*) AS n FROM "webhook_events"`))[0].n);
  const available = async (userId: string) =>
    (
      await payment.sql<{ available: number }>(
        `SELECT "available" FROM "credit_accounts" WHERE "user_id" = $1`,
        [userId],
      )
    )[0]?.available;
  const planOf = (userId: string) =>
    payment.app.get(RpcClient).send('payment.plans.forUser', { userId });

  const subscriptionEvent = (
    name: string,
    userId: string | undefined,
    id: string,
    attributes: Record<string, unknown>,
  ) => ({
    meta: { event_name: name, ...(userId ? { custom_data: { user_id: userId } } : {}) },
    data: {
      type: 'subscriptions',
      id,
      attributes: {
        variant_id: 1002,
        customer_id: 77,
        renews_at: null,
        ends_at: null,
        ...attributes,
      },
    },
  });
  const invoiceEvent = (
    name: string,
    userId: string,
    invoiceId: string,
    subscriptionId: string,
    extra: Record<string, unknown> = {},
  ) => ({
    meta: { event_name: name, custom_data: { user_id: userId } },
    data: {
      type: 'subscription-invoices',
      id: invoiceId,
      attributes: { subscription_id: Number(subscriptionId), status: 'paid', ...extra },
    },
  });

  beforeAll(async () => {
    await lemon.start();
    users = await bootUserService(namespace, { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
    payment = await bootPaymentService(namespace, {
      JWKS_URL: `${users.url}/.well-known/jwks.json`,
      ...lemonSqueezyEnv(lemon, SECRET, VARIANTS),
    });
    session = (await request(users.url).post('/api/v1/auth/signup').send(newAccount()).expect(201))
      .body;
    // Checkout needs a verified address: verified the way a user does it, by the mailed link.
    await verifyEmailOf(users.url, { namespace }, session.user.email);
  });

  afterAll(async () => {
    await payment?.stop();
    await users?.stop();
    await lemon.stop();
  });

  afterEach(async () => {
    expect(await ledgerMismatches(payment)).toEqual([]);
  });

  describe('webhooks', () => {
    it.each([
      ['a wrong signature', 'f'.repeat(64)],
      ['a signature of the wrong length', 'abc'],
      ['no signature', ''],
    ])('refuse %s with 401 BAD_SIGNATURE and store nothing', async (_, signature) => {
      const before = await eventCount();
      const res = await post({ meta: { event_name: 'order_created' }, data: {} }, signature).expect(
        401,
      );
      expect(res.body.code).toBe('BAD_SIGNATURE');
      expect(await eventCount()).toBe(before);
    });

    it('refuses a body changed after signing', async () => {
      const signed = signedWebhook(SECRET, { meta: { event_name: 'order_created' } });
      await request(payment.url)
        .post('/api/v1/webhooks/lemonsqueezy')
        .set('Content-Type', 'application/json')
        .set('X-Signature', signed.signature)
        .send(signed.body.replace('order', 'ORDER'))
        .expect(401);
    });

    it('applies a subscription once however often it is delivered, and the plan follows it', async () => {
      const userId = randomUUID();
      const event = subscriptionEvent('subscription_created', userId, '501', {
        status: 'active',
        updated_at: '2026-11-01T10:00:00Z',
      });
      for (let i = 0; i < 5; i++) await post(event).expect(200);
      expect(
        (await payment.sql(`SELECT * FROM "webhook_events" WHERE "payload"->'data'->>'id' = '501'`))
          .length,
      ).toBe(1);
      expect(await planOf(userId)).toMatchObject({
        planId: 'pro',
        tier: 'pro',
        limits: { queueWeight: 4 },
      });
    });

    it('grants the monthly credits once per invoice, even when the invoice event differs', async () => {
      const userId = randomUUID();
      await post(
        subscriptionEvent('subscription_created', userId, '601', {
          status: 'active',
          updated_at: '2026-11-01T10:00:00Z',
        }),
      ).expect(200);
      const before = (await available(userId)) ?? 0;
      await post(invoiceEvent('subscription_payment_success', userId, '9001', '601')).expect(200);
      await post(
        invoiceEvent('subscription_payment_success', userId, '9001', '601', {
          updated_at: 'later',
        }),
      ).expect(200);
      expect(await available(userId)).toBe(before + 3000);
    });

    it('grants an invoice paid before its subscription was known, once the subscription arrives', async () => {
      const userId = randomUUID();
      const early = await post(
        invoiceEvent('subscription_payment_success', userId, '9101', '701'),
      ).expect(200);
      expect(early.body.outcome).toMatch(/^deferred/);
      await post(
        subscriptionEvent('subscription_created', userId, '701', {
          status: 'active',
          updated_at: '2026-11-01T10:00:00Z',
        }),
      ).expect(200);
      expect(await available(userId)).toBe(100 + 3000);
    });

    it('does not roll a subscription back when an older event arrives late', async () => {
      const userId = randomUUID();
      const cancelled = subscriptionEvent('subscription_cancelled', userId, '801', {
        status: 'cancelled',
        ends_at: '2099-01-01T00:00:00Z',
        updated_at: '2026-11-05T10:00:00Z',
      });
      const olderActive = subscriptionEvent('subscription_updated', userId, '801', {
        status: 'active',
        updated_at: '2026-11-01T10:00:00Z',
      });
      await post(cancelled).expect(200);
      const late = await post(olderActive).expect(200);
      expect(late.body.outcome).toMatch(/^stale/);
      expect(
        (await payment.sql(`SELECT "status" FROM "subscriptions" WHERE "id" = '801'`))[0],
      ).toEqual({ status: 'cancelled' });
      expect((await planOf(userId)).planId).toBe('pro'); // cancelled keeps the plan until ends_at

      await post(
        subscriptionEvent('subscription_expired', userId, '801', {
          status: 'expired',
          updated_at: '2026-11-06T10:00:00Z',
        }),
      ).expect(200);
      expect((await planOf(userId)).planId).toBe('free');
    });

    it('drops to free when a subscription is paused, and back when it is unpaused', async () => {
      const userId = randomUUID();
      await post(
        subscriptionEvent('subscription_created', userId, '851', {
          status: 'active',
          updated_at: '2026-11-01T10:00:00Z',
        }),
      ).expect(200);
      await post(
        subscriptionEvent('subscription_paused', userId, '851', {
          status: 'paused',
          updated_at: '2026-11-02T10:00:00Z',
        }),
      ).expect(200);
      expect((await planOf(userId)).planId).toBe('free');
      await post(
        subscriptionEvent('subscription_unpaused', undefined, '851', {
          status: 'active',
          updated_at: '2026-11-03T10:00:00Z',
        }),
      ).expect(200);
      expect((await planOf(userId)).planId).toBe('pro');
    });

    it('adds a credit pack once, and a refund takes back only what is left', async () => {
      const userId = randomUUID();
      const order = {
        meta: { event_name: 'order_created', custom_data: { user_id: userId } },
        data: {
          type: 'orders',
          id: '3001',
          attributes: { status: 'paid', first_order_item: { variant_id: 2001 } },
        },
      };
      await post(order).expect(200);
      await post(order).expect(200);
      expect(await available(userId)).toBe(100 + 500);

      await payment.app.get(RpcClient).send('payment.credits.reserve', {
        reservationId: randomUUID(),
        userId,
        amount: 450,
        reason: 'spent',
      });
      const refund = {
        meta: { event_name: 'order_refunded', custom_data: { user_id: userId } },
        data: { type: 'orders', id: '3001', attributes: { status: 'refunded' } },
      };
      const res = await post(refund).expect(200);
      expect(res.body.outcome).toBe('took back 150 credits');
      expect(await available(userId)).toBe(0);
    });

    it('stores and ignores events it does not act on, and unlinked ones', async () => {
      const other = await post({
        meta: { event_name: 'license_key_created' },
        data: { type: 'license-keys', id: '1' },
      }).expect(200);
      expect(other.body.outcome).toMatch(/^ignored/);
      const unlinked = await post(
        subscriptionEvent('subscription_created', undefined, '999', {
          status: 'active',
          updated_at: '2026-11-01T10:00:00Z',
        }),
      ).expect(200);
      expect(unlinked.body.outcome).toMatch(/^ignored: no user_id/);
    });

    it('answers 400, never 500, for signed bodies of the wrong shape', async () => {
      for (const payload of [{}, { meta: 'x' }, { meta: { event_name: 42 } }, [1, 2]]) {
        await post(payload).expect(400);
      }
      const weird = await post({
        meta: { event_name: 'subscription_created' },
        data: { attributes: 'not an object' },
      }).expect(200);
      expect(weird.body.outcome).toMatch(/^ignored/);
    });
  });

  describe('checkout and subscription', () => {
    it('makes a checkout through the Lemon Squeezy API with our user id and the right variant', async () => {
      const res = await request(payment.url)
        .post('/api/v1/billing/checkout')
        .auth(session.accessToken, bearer)
        .send({ planId: 'pro' })
        .expect(201);
      expect(res.body.url).toMatch(/^https:\/\/pingvas\.lemonsqueezy\.com\/checkout\/custom\/chk_/);
      const sent = lemon.requests.at(-1)!;
      expect(sent.path).toBe('/v1/checkouts');
      expect(sent.headers.authorization).toBe('Bearer ls-test-key');
      expect(sent.headers['content-type']).toBe('application/vnd.api+json');
      expect(sent.body).toEqual({
        data: {
          type: 'checkouts',
          attributes: {
            checkout_data: { custom: { user_id: session.user.id }, email: session.user.email },
          },
          relationships: {
            store: { data: { type: 'stores', id: '42' } },
            variant: { data: { type: 'variants', id: '1002' } },
          },
        },
      });
    });

    it('sells packs too, and refuses what is not for sale or unknown', async () => {
      await request(payment.url)
        .post('/api/v1/billing/checkout')
        .auth(session.accessToken, bearer)
        .send({ packId: 'pack-500' })
        .expect(201);
      expect(
        (
          lemon.requests.at(-1)!.body as {
            data: { relationships: { variant: { data: { id: string } } } };
          }
        ).data.relationships.variant.data.id,
      ).toBe('2001');
      await request(payment.url)
        .post('/api/v1/billing/checkout')
        .auth(session.accessToken, bearer)
        .send({ planId: 'studio' })
        .expect(400);
      await request(payment.url)
        .post('/api/v1/billing/checkout')
        .auth(session.accessToken, bearer)
        .send({ planId: 'gold' })
        .expect(404);
      await request(payment.url)
        .post('/api/v1/billing/checkout')
        .auth(session.accessToken, bearer)
        .send({ planId: 'pro', packId: 'pack-500' })
        .expect(400);
      await request(payment.url)
        .post('/api/v1/billing/checkout')
        .auth(session.accessToken, bearer)
        .send({})
        .expect(400);
      await request(payment.url)
        .post('/api/v1/billing/checkout')
        .send({ planId: 'pro' })
        .expect(401);
    });

    it('answers 502 UPSTREAM_ERROR when Lemon Squeezy refuses', async () => {
      lemon.failWith = 422;
      try {
        const res = await request(payment.url)
          .post('/api/v1/billing/checkout')
          .auth(session.accessToken, bearer)
          .send({ planId: 'starter' })
          .expect(502);
        expect(res.body.code).toBe('UPSTREAM_ERROR');
      } finally {
        lemon.failWith = undefined;
      }
    });

    it("shows your subscription, and nobody else's", async () => {
      const bob = (
        await request(users.url).post('/api/v1/auth/signup').send(newAccount()).expect(201)
      ).body as Session;
      await post(
        subscriptionEvent('subscription_created', session.user.id, '1201', {
          status: 'active',
          renews_at: '2026-12-01T00:00:00Z',
          updated_at: '2026-11-01T10:00:00Z',
        }),
      ).expect(200);
      const mine = await request(payment.url)
        .get('/api/v1/billing/subscription')
        .auth(session.accessToken, bearer)
        .expect(200);
      expect(mine.body).toMatchObject({
        id: '1201',
        planId: 'pro',
        status: 'active',
        renewsAt: '2026-12-01T00:00:00.000Z',
      });
      const bobs = await request(payment.url)
        .get('/api/v1/billing/subscription')
        .auth(bob.accessToken, bearer)
        .expect(200);
      expect(bobs.body).toMatchObject({ id: null, status: 'none', planId: 'free', plan: 'free' });
    });
  });
});
