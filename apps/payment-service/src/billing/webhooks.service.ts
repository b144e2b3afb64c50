import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  APP_CONFIG,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  unstorableTextFields,
} from '@pingvas/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from '../credits/credit-ledger';
import { PlansRepository } from '../plans/plans.repository';
import {
  customUserId,
  keepsPaidPlan,
  type LemonSqueezyEvent,
  SUBSCRIPTION_EVENTS,
  text,
  timestamp,
} from './lemon-squeezy.events';
import { SubscriptionsRepository } from './subscriptions.repository';

const PROVIDER = 'lemonsqueezy';
const FREE_PLAN = 'free';

/**
 * Lemon Squeezy webhooks: the signature is checked over the raw bytes before anything is
 * parsed; each distinct body is stored once (a redelivery does nothing) and applied in the
 * same transaction, so an event is either recorded and applied, or neither (and retried).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: CreditLedger,
    private readonly plans: PlansRepository,
    private readonly subscriptions: SubscriptionsRepository,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {}

  async receive(
    raw: Buffer,
    signature: string | undefined,
  ): Promise<{ received: true; outcome: string }> {
    const secret = this.config.lemonSqueezy.webhookSecret;
    if (!secret)
      throw new AppError(
        'BILLING_UNAVAILABLE',
        'Billing webhooks are not configured on this server',
      );
    const expected = createHmac('sha256', secret).update(raw).digest();
    const given =
      typeof signature === 'string' && /^[0-9a-f]{64}$/i.test(signature)
        ? Buffer.from(signature, 'hex')
        : undefined;
    if (!given || !timingSafeEqual(expected, given)) {
      throw new AppError('BAD_SIGNATURE', 'The X-Signature header does not match the body');
    }
    let event: LemonSqueezyEvent;
    try {
      event = JSON.parse(raw.toString('utf8')) as LemonSqueezyEvent;
    } catch {
      throw new AppError('MALFORMED_BODY', 'The signed body is not JSON');
    }
    // The body is stored as jsonb: refused here as every other body is, not by PostgreSQL.
    if (nestsDeeperThan(event, MAX_JSON_DEPTH))
      throw new AppError(
        'BODY_TOO_DEEP',
        `The signed body nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    const unstorable = unstorableTextFields(event);
    if (unstorable.length > 0)
      throw new AppError(
        'VALIDATION_FAILED',
        'The signed body holds text that cannot be stored (NUL or unpaired surrogates)',
        unstorable.map((field) => ({
          field,
          problems: [`${field} must not contain NUL or unpaired surrogates`],
        })),
      );
    const rawName: unknown = event?.meta?.event_name;
    const name = typeof rawName === 'string' ? text(rawName) : undefined;
    if (!name)
      throw new AppError('VALIDATION_FAILED', 'meta.event_name is missing or not a string');

    const outcome = await this.dataSource.transaction(async (m) => {
      const stored: unknown[] = await m.query(
        `INSERT INTO "webhook_events" ("id", "provider", "event_name", "body_sha256", "payload", "outcome")
         VALUES ($1, $2, $3, $4, $5, 'received') ON CONFLICT ("provider", "body_sha256") DO NOTHING RETURNING "id"`,
        [
          randomUUID(),
          PROVIDER,
          name,
          createHash('sha256').update(raw).digest('hex'),
          raw.toString('utf8'),
        ],
      );
      if (stored.length === 0) return 'duplicate';
      const result = await this.apply(name, event, m);
      await m.query(`UPDATE "webhook_events" SET "outcome" = $2 WHERE "id" = $1`, [
        (stored[0] as { id: string }).id,
        result,
      ]);
      return result;
    });
    this.logger.log({ event: name, outcome }, 'Lemon Squeezy webhook');
    return { received: true, outcome };
  }

  private async apply(name: string, event: LemonSqueezyEvent, m: EntityManager): Promise<string> {
    if (SUBSCRIPTION_EVENTS.has(name)) return this.applySubscription(event, m);
    switch (name) {
      case 'subscription_payment_success':
        return this.grantInvoice(event, m);
      case 'subscription_payment_refunded':
        return this.refundInvoice(event, m);
      case 'order_created':
        return this.grantPack(event, m);
      case 'order_refunded':
        return this.refundPack(event, m);
      default:
        return 'ignored: not an event Pingvas acts on';
    }
  }

  private planOfVariant(variantId: string | undefined): string | undefined {
    if (!variantId) return undefined;
    return Object.entries(this.config.lemonSqueezy.variants).find(([, v]) => v === variantId)?.[0];
  }

  private async applySubscription(event: LemonSqueezyEvent, m: EntityManager): Promise<string> {
    const id = text(event.data?.id);
    const a = event.data?.attributes ?? {};
    const status = text(a.status);
    const updatedAt = timestamp(a.updated_at);
    const variantId = text(a.variant_id);
    if (!id || !status || !updatedAt || !variantId) return 'ignored: incomplete subscription';
    const existing = await this.subscriptions.find(id, m);
    const userId = customUserId(event) ?? existing?.userId;
    if (!userId) return 'ignored: no user_id in custom_data';
    // Out-of-order delivery: an older state never overwrites a newer one.
    if (existing && new Date(existing.sourceUpdatedAt) > new Date(updatedAt))
      return 'stale: a newer state is applied';
    const planId = this.planOfVariant(variantId);
    if (!planId || !(await this.plans.find(planId, m)))
      return `ignored: variant ${variantId} sells no plan`;
    const endsAt = timestamp(a.ends_at);
    await this.subscriptions.upsert(
      {
        id,
        userId,
        planId,
        status,
        variantId,
        customerId: text(a.customer_id) ?? null,
        renewsAt: timestamp(a.renews_at),
        endsAt,
        sourceUpdatedAt: updatedAt,
      },
      m,
    );
    const effective = keepsPaidPlan(status, endsAt) ? planId : FREE_PLAN;
    await this.ledger.setPlan(userId, effective, m);
    const replayed = await this.replayDeferredInvoices(id, m);
    return `subscription ${status}: plan ${effective}${replayed ? `; ${replayed} deferred invoice(s) granted` : ''}`;
  }

  /** One grant of the plan's monthly credits per paid invoice. */
  private async grantInvoice(event: LemonSqueezyEvent, m: EntityManager): Promise<string> {
    const invoiceId = text(event.data?.id);
    const subscriptionId = text(event.data?.attributes?.subscription_id);
    if (!invoiceId || !subscriptionId) return 'ignored: incomplete invoice';
    const subscription = await this.subscriptions.find(subscriptionId, m);
    // Paid before we saw the subscription: kept, and granted when subscription_created arrives.
    if (!subscription) return `deferred: subscription ${subscriptionId} not known yet`;
    const plan = await this.plans.find(subscription.planId, m);
    if (!plan) return `ignored: no plan ${subscription.planId}`;
    const granted = await this.ledger.grant(
      subscription.userId,
      plan.monthlyCredits,
      'subscription_grant',
      {
        key: `invoice-${invoiceId}`,
        reference: `invoice:${invoiceId}`,
        reason: `${plan.name} plan credits`,
      },
      m,
    );
    return granted ? `granted ${plan.monthlyCredits} credits` : 'already granted for this invoice';
  }

  private async replayDeferredInvoices(subscriptionId: string, m: EntityManager): Promise<number> {
    const deferred: { id: string; payload: LemonSqueezyEvent }[] = await m.query(
      `SELECT "id", "payload" FROM "webhook_events"
       WHERE "provider" = $1 AND "outcome" LIKE 'deferred:%' AND "payload"->'data'->'attributes'->>'subscription_id' = $2`,
      [PROVIDER, subscriptionId],
    );
    for (const row of deferred) {
      const outcome = await this.grantInvoice(row.payload, m);
      await m.query(`UPDATE "webhook_events" SET "outcome" = $2 WHERE "id" = $1`, [
        row.id,
        `${outcome} (replayed)`,
      ]);
    }
    return deferred.length;
  }

  private async refundInvoice(event: LemonSqueezyEvent, m: EntityManager): Promise<string> {
    const invoiceId = text(event.data?.id);
    if (!invoiceId) return 'ignored: incomplete invoice';
    return this.takeBackGrant(`invoice-${invoiceId}`, `refund-invoice-${invoiceId}`, m);
  }

  private async grantPack(event: LemonSqueezyEvent, m: EntityManager): Promise<string> {
    const orderId = text(event.data?.id);
    const a = event.data?.attributes ?? {};
    const item = a.first_order_item as Record<string, unknown> | undefined;
    const packId = this.planOfVariant(text(item?.variant_id));
    if (!orderId || !packId) return 'ignored: not a credit pack order';
    const pack = (await this.plans.packs()).find((p) => p.id === packId);
    if (!pack) return 'ignored: subscription order (credits come with its invoices)';
    if (a.status !== 'paid') return `ignored: order status ${String(a.status)}`;
    const userId = customUserId(event);
    if (!userId) return 'ignored: no user_id in custom_data';
    const granted = await this.ledger.grant(
      userId,
      pack.credits,
      'pack_purchase',
      { key: `order-${orderId}`, reference: `order:${orderId}`, reason: pack.name },
      m,
    );
    return granted ? `granted ${pack.credits} credits` : 'already granted for this order';
  }

  private async refundPack(event: LemonSqueezyEvent, m: EntityManager): Promise<string> {
    const orderId = text(event.data?.id);
    if (!orderId) return 'ignored: incomplete order';
    return this.takeBackGrant(`order-${orderId}`, `refund-order-${orderId}`, m);
  }

  /** A refund takes back what that grant gave, as far as it is still available; never below zero. */
  private async takeBackGrant(
    grantKey: string,
    refundKey: string,
    m: EntityManager,
  ): Promise<string> {
    const [grant] = await m.query(
      `SELECT "user_id", "available_delta" FROM "credit_ledger" WHERE "idempotency_key" = $1`,
      [grantKey],
    );
    if (!grant) return 'ignored: nothing was granted for it';
    const taken = await this.ledger.takeBack(
      grant.user_id,
      Number(grant.available_delta),
      { key: refundKey, reference: grantKey, reason: 'refund' },
      m,
    );
    return `took back ${taken} credits`;
  }
}
