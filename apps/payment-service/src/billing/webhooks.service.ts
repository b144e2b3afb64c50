import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  APP_CONFIG,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  unstorableTextFields,
} from '@pingvas/common';
import type { Tx } from '@pingvas/database';
import type { PaymentServiceConfig } from '../config';
import { CreditAccountsRepository } from '../credits/credit-accounts.repository';
import { CreditLedger } from '../credits/credit-ledger';
import { PlansRepository } from '../plans/plans.repository';
import {
  InvoiceAttributes,
  keepsPaidPlan,
  type LemonSqueezyEvent,
  OrderAttributes,
  parseLemonSqueezyEvent,
  SUBSCRIPTION_EVENTS,
  SubscriptionAttributes,
} from './lemon-squeezy.events';
import { SubscriptionsRepository } from './subscriptions.repository';
import { WebhookEventsRepository } from './webhook-events.repository';

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
    private readonly events: WebhookEventsRepository,
    private readonly ledger: CreditLedger,
    private readonly accounts: CreditAccountsRepository,
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
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('MALFORMED_BODY', 'The signed body is not JSON');
    }
    // The body is stored as jsonb: refused here as every other body is, not by PostgreSQL.
    if (nestsDeeperThan(body, MAX_JSON_DEPTH))
      throw new AppError(
        'BODY_TOO_DEEP',
        `The signed body nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    const unstorable = unstorableTextFields(body);
    if (unstorable.length > 0)
      throw new AppError(
        'VALIDATION_FAILED',
        'The signed body holds text that cannot be stored (NUL or unpaired surrogates)',
        unstorable.map((field) => ({
          field,
          problems: [`${field} must not contain NUL or unpaired surrogates`],
        })),
      );
    const event = parseLemonSqueezyEvent(body);
    if (!event)
      throw new AppError('VALIDATION_FAILED', 'meta.event_name is missing or not a string');

    // Opened by the ledger, so the credits an event moves are counted once it commits.
    const outcome = await this.ledger.transaction(async (tx) => {
      const storedId = await this.events.store(
        {
          provider: PROVIDER,
          name: event.name,
          bodySha256: createHash('sha256').update(raw).digest('hex'),
          payload: raw.toString('utf8'),
        },
        tx,
      );
      if (!storedId) return 'duplicate';
      const result = await this.apply(event, tx);
      await this.events.setOutcome(storedId, result, tx);
      return result;
    });
    this.logger.log({ event: event.name, outcome }, 'Lemon Squeezy webhook');
    return { received: true, outcome };
  }

  private async apply(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    if (SUBSCRIPTION_EVENTS.has(event.name)) return this.applySubscription(event, tx);
    switch (event.name) {
      case 'subscription_payment_success':
        return this.grantInvoice(event, tx);
      case 'subscription_payment_refunded':
        return this.refundInvoice(event, tx);
      case 'order_created':
        return this.grantPack(event, tx);
      case 'order_refunded':
        return this.refundPack(event, tx);
      default:
        return 'ignored: not an event Pingvas acts on';
    }
  }

  private planOfVariant(variantId: string | undefined): string | undefined {
    if (!variantId) return undefined;
    return Object.entries(this.config.lemonSqueezy.variants).find(([, v]) => v === variantId)?.[0];
  }

  private async applySubscription(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    const { id } = event;
    const a = SubscriptionAttributes.parse(event.attributes);
    const { status, updated_at: updatedAt, variant_id: variantId, ends_at: endsAt } = a;
    if (!id || !status || !updatedAt || !variantId) return 'ignored: incomplete subscription';
    const existing = await this.subscriptions.find(id, tx);
    const userId = event.userId ?? existing?.userId;
    if (!userId) return 'ignored: no user_id in custom_data';
    // Out-of-order delivery: an older state never overwrites a newer one.
    if (existing && new Date(existing.sourceUpdatedAt) > new Date(updatedAt))
      return 'stale: a newer state is applied';
    const planId = this.planOfVariant(variantId);
    if (!planId || !(await this.plans.find(planId, tx)))
      return `ignored: variant ${variantId} sells no plan`;
    await this.subscriptions.upsert(
      {
        id,
        userId,
        planId,
        status,
        variantId,
        customerId: a.customer_id ?? null,
        renewsAt: a.renews_at,
        endsAt,
        sourceUpdatedAt: updatedAt,
      },
      tx,
    );
    const effective = keepsPaidPlan(status, endsAt) ? planId : FREE_PLAN;
    await this.ledger.setPlan(userId, effective, tx);
    const replayed = await this.replayDeferredInvoices(id, tx);
    return `subscription ${status}: plan ${effective}${replayed ? `; ${replayed} deferred invoice(s) granted` : ''}`;
  }

  /** One grant of the plan's monthly credits per paid invoice. */
  private async grantInvoice(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    const invoiceId = event.id;
    const subscriptionId = InvoiceAttributes.parse(event.attributes).subscription_id;
    if (!invoiceId || !subscriptionId) return 'ignored: incomplete invoice';
    const subscription = await this.subscriptions.find(subscriptionId, tx);
    // Paid before we saw the subscription: kept, and granted when subscription_created arrives.
    if (!subscription) return `deferred: subscription ${subscriptionId} not known yet`;
    const plan = await this.plans.find(subscription.planId, tx);
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
      tx,
    );
    return granted ? `granted ${plan.monthlyCredits} credits` : 'already granted for this invoice';
  }

  private async replayDeferredInvoices(subscriptionId: string, tx: Tx): Promise<number> {
    const deferred = await this.events.deferredInvoicesOf(PROVIDER, subscriptionId, tx);
    for (const row of deferred) {
      // Stored bodies passed this parser when they arrived.
      const event = parseLemonSqueezyEvent(row.payload);
      const outcome = event ? await this.grantInvoice(event, tx) : 'ignored: incomplete invoice';
      await this.events.setOutcome(row.id, `${outcome} (replayed)`, tx);
    }
    return deferred.length;
  }

  private async refundInvoice(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    const invoiceId = event.id;
    if (!invoiceId) return 'ignored: incomplete invoice';
    return this.takeBackGrant(`invoice-${invoiceId}`, `refund-invoice-${invoiceId}`, tx);
  }

  private async grantPack(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    const orderId = event.id;
    const a = OrderAttributes.parse(event.attributes);
    const packId = this.planOfVariant(a.first_order_item.variant_id);
    if (!orderId || !packId) return 'ignored: not a credit pack order';
    const pack = (await this.plans.packs()).find((p) => p.id === packId);
    if (!pack) return 'ignored: subscription order (credits come with its invoices)';
    if (a.status !== 'paid') return `ignored: order status ${String(a.status)}`;
    const { userId } = event;
    if (!userId) return 'ignored: no user_id in custom_data';
    const granted = await this.ledger.grant(
      userId,
      pack.credits,
      'pack_purchase',
      { key: `order-${orderId}`, reference: `order:${orderId}`, reason: pack.name },
      tx,
    );
    return granted ? `granted ${pack.credits} credits` : 'already granted for this order';
  }

  private async refundPack(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    const orderId = event.id;
    if (!orderId) return 'ignored: incomplete order';
    return this.takeBackGrant(`order-${orderId}`, `refund-order-${orderId}`, tx);
  }

  /** A refund takes back what that grant gave, as far as it is still available; never below zero. */
  private async takeBackGrant(grantKey: string, refundKey: string, tx: Tx): Promise<string> {
    const grant = await this.accounts.entryUnder(grantKey, tx);
    if (!grant) return 'ignored: nothing was granted for it';
    const taken = await this.ledger.takeBack(
      grant.userId,
      grant.availableDelta,
      { key: refundKey, reference: grantKey, reason: 'refund' },
      tx,
    );
    return `took back ${taken} credits`;
  }
}
