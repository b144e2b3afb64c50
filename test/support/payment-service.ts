import type { Env } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import {
  bootOnTestSchema,
  connectToSchema,
  eventually,
  type LemonSqueezyStandIn,
  type SchemaSql,
  type ServiceOnSchema,
  type ServiceRecipe,
  signedWebhook,
} from '@pingvas/testing';
import request from 'supertest';
import {
  type PaymentServiceConfig,
  loadPaymentServiceConfig,
} from '../../apps/payment-service/src/config';
import { PAYMENT_DATABASE } from '../../apps/payment-service/src/database';
import { PaymentServiceModule } from '../../apps/payment-service/src/payment-service.module';
import type { Customer } from './user-service';

export const PAYMENT_SERVICE: ServiceRecipe<PaymentServiceConfig> = {
  database: PAYMENT_DATABASE,
  loadConfig: loadPaymentServiceConfig,
  module: (config) => PaymentServiceModule.forRoot(config),
};

export interface PaymentServiceUnderTest extends ServiceOnSchema {
  /** Runs SQL in the service's schema (to arrange or inspect state). */
  sql: SchemaSql;
}

export async function bootPaymentService(
  namespace: string,
  extra: Env = {},
): Promise<PaymentServiceUnderTest> {
  const running = await bootOnTestSchema(PAYMENT_SERVICE, namespace, extra);
  const db = await connectToSchema(running.schema.schema);
  return {
    ...running,
    sql: db.sql,
    stop: async () => {
      await db.end();
      await running.stop();
    },
  };
}

/** payment-service's settings for a Lemon Squeezy stand-in that signs with `secret`. */
export function lemonSqueezyEnv(
  lemon: Pick<LemonSqueezyStandIn, 'url'>,
  secret: string,
  variants: Record<string, string>,
): Env {
  return {
    LEMONSQUEEZY_API_URL: lemon.url,
    LEMONSQUEEZY_API_KEY: 'ls-test-key',
    LEMONSQUEEZY_STORE_ID: '42',
    LEMONSQUEEZY_WEBHOOK_SECRET: secret,
    LEMONSQUEEZY_VARIANTS: JSON.stringify(variants),
  };
}

/**
 * Posts a webhook as Lemon Squeezy does, signed with `secret` unless a `signature` is given
 * (to try a forged one); the request, for the caller's expectations.
 */
export function postWebhook(
  paymentUrl: string,
  secret: string,
  payload: object,
  signature?: string,
): request.Test {
  const signed = signedWebhook(secret, payload);
  return request(paymentUrl)
    .post('/api/v1/webhooks/lemonsqueezy')
    .set('Content-Type', 'application/json')
    .set('X-Signature', signature ?? signed.signature)
    .send(signed.body);
}

/** The invariant of the credit ledger: for every account, its rows sum to its balance. */
export async function ledgerMismatches(
  svc: Pick<PaymentServiceUnderTest, 'sql'>,
): Promise<unknown[]> {
  return svc.sql(`
    SELECT a."user_id", a."available", a."reserved", l."available" AS ledger_available, l."reserved" AS ledger_reserved
    FROM "credit_accounts" a
    LEFT JOIN (SELECT "user_id", sum("available_delta")::int AS available, sum("reserved_delta")::int AS reserved
               FROM "credit_ledger" GROUP BY "user_id") l USING ("user_id")
    WHERE a."available" IS DISTINCT FROM l."available" OR a."reserved" IS DISTINCT FROM l."reserved"`);
}

export interface Balance {
  available: number;
  reserved: number;
}

/** The customer's balance, as the credits API shows it to them. */
export async function balanceOf(paymentUrl: string, c: Customer): Promise<Balance> {
  const res = await request(paymentUrl)
    .get('/api/v1/credits/balance')
    .auth(c.token, { type: 'bearer' })
    .expect(200);
  return { available: res.body.available, reserved: res.body.reserved };
}

/**
 * Once the customer's credit account has opened (from the user.created event), puts it on
 * `tier` as a paid subscription would, and tops its balance up to `credits` when asked for more
 * than the sign-up grant.
 */
export async function arrangeCreditAccount(
  payment: Pick<PaymentServiceUnderTest, 'url' | 'sql'>,
  admin: Customer,
  c: Customer,
  tier: Tier,
  credits?: number,
): Promise<void> {
  await eventually(
    async () =>
      (await payment.sql(`SELECT 1 FROM "credit_accounts" WHERE "user_id" = $1`, [c.userId]))
        .length > 0 || undefined,
    10_000,
    'credit account opened',
  );
  if (tier !== 'free') {
    await payment.sql(`UPDATE "credit_accounts" SET "plan_id" = $2 WHERE "user_id" = $1`, [
      c.userId,
      tier,
    ]);
  }
  if (credits === undefined) return;
  const [{ available }] = await payment.sql<{ available: number }>(
    `SELECT "available" FROM "credit_accounts" WHERE "user_id" = $1`,
    [c.userId],
  );
  const missing = credits - Number(available);
  if (missing < 0) throw new Error(`customer(): the sign-up grant is already ${available}`);
  if (missing > 0) {
    await request(payment.url)
      .post('/api/v1/admin/credits/grants')
      .auth(admin.token, { type: 'bearer' })
      .set('Idempotency-Key', `grant-${c.userId}`)
      .send({ userId: c.userId, amount: missing, reason: 'test' })
      .expect(200);
  }
}
