import { Injectable } from '@nestjs/common';
import type { Tx } from '@pingvas/database';
import { CreditAccountsRepository } from '../credits/credit-accounts.repository';
import { CreditLedger } from '../credits/credit-ledger';
import { PlansRepository } from '../plans/plans.repository';
import { BillingMail, mailId, type Recipient } from './billing-mail';
import {
  InvoiceAttributes,
  type LemonSqueezyEvent,
  OrderAttributes,
  parseLemonSqueezyEvent,
  SUBSCRIPTION_EVENTS,
} from './lemon-squeezy.events';
import { SubscriptionStates } from './subscription-states';
import { SubscriptionsRepository } from './subscriptions.repository';
import { WebhookEventsRepository } from './webhook-events.repository';

export const PROVIDER = 'lemonsqueezy';

/**
 * What each Lemon Squeezy event does to subscriptions, credits and mail, inside the
 * transaction that stores the event (WebhooksService): the outcome is recorded with it.
 */
@Injectable()
export class BillingEvents {
  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly ledger: CreditLedger,
    private readonly accounts: CreditAccountsRepository,
    private readonly plans: PlansRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly states: SubscriptionStates,
    private readonly mail: BillingMail,
  ) {}

  async apply(event: LemonSqueezyEvent, recipient: Recipient | undefined, tx: Tx): Promise<string> {
    if (SUBSCRIPTION_EVENTS.has(event.name)) return this.applySubscription(event, recipient, tx);
    switch (event.name) {
      case 'subscription_payment_success':
        return this.grantInvoice(event, recipient, tx);
      case 'subscription_payment_failed':
        return this.paymentFailed(event, recipient, tx);
      case 'subscription_payment_refunded':
        return this.refundInvoice(event, tx);
      case 'order_created':
        return this.grantPack(event, recipient, tx);
      case 'order_refunded':
        return this.refundPack(event, tx);
      default:
        return 'ignored: not an event Pingvas acts on';
    }
  }

  private async applySubscription(
    event: LemonSqueezyEvent,
    recipient: Recipient | undefined,
    tx: Tx,
  ): Promise<string> {
    const state = await this.states.apply(event.id, event.userId, event.attributes, tx);
    if (!state.applied) return state.outcome;
    const replayed = await this.replayDeferredInvoices(event.id!, recipient, tx);
    return `${state.outcome}${replayed ? `; ${replayed} deferred invoice(s) granted` : ''}`;
  }

  /** One grant of the plan's monthly credits per paid invoice, and a receipt for a renewal. */
  private async grantInvoice(
    event: LemonSqueezyEvent,
    recipient: Recipient | undefined,
    tx: Tx,
  ): Promise<string> {
    const invoiceId = event.id;
    const a = InvoiceAttributes.parse(event.attributes);
    const subscriptionId = a.subscription_id;
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
    if (!granted) return 'already granted for this invoice';
    // The first payment is receipted with its order (order_created); renewals and plan changes here.
    const mailed =
      a.billing_reason !== 'initial' &&
      (await this.mail.queue(tx, recipient, mailId('receipt', 'invoice', invoiceId), {
        template: 'receipt',
        data: {
          orderId: invoiceId,
          planName: plan.name,
          amount: a.total ?? plan.priceCents,
          currency: a.currency ?? 'USD',
          paidAt: a.created_at ?? new Date().toISOString(),
          ...(a.urls?.invoice_url ? { receiptUrl: a.urls.invoice_url } : {}),
        },
      }));
    return `granted ${plan.monthlyCredits} credits${mailed ? '; receipt mailed' : ''}`;
  }

  /** A renewal that could not be charged: the customer is told (Lemon Squeezy retries it). */
  private async paymentFailed(
    event: LemonSqueezyEvent,
    recipient: Recipient | undefined,
    tx: Tx,
  ): Promise<string> {
    const invoiceId = event.id;
    const subscriptionId = InvoiceAttributes.parse(event.attributes).subscription_id;
    if (!invoiceId || !subscriptionId) return 'ignored: incomplete invoice';
    const subscription = await this.subscriptions.find(subscriptionId, tx);
    const plan = subscription ? await this.plans.find(subscription.planId, tx) : undefined;
    const mailed = await this.mail.queue(tx, recipient, mailId('payment-failed', invoiceId), {
      template: 'payment-failed',
      data: { planName: plan?.name ?? 'Pingvas' },
    });
    return mailed ? 'payment failed: customer mailed' : 'payment failed: nobody to mail';
  }

  private async replayDeferredInvoices(
    subscriptionId: string,
    recipient: Recipient | undefined,
    tx: Tx,
  ): Promise<number> {
    const deferred = await this.events.deferredInvoicesOf(PROVIDER, subscriptionId, tx);
    for (const row of deferred) {
      // Stored bodies passed this parser when they arrived.
      const event = parseLemonSqueezyEvent(row.payload);
      const outcome = event
        ? await this.grantInvoice(event, recipient, tx)
        : 'ignored: incomplete invoice';
      await this.events.setOutcome(row.id, `${outcome} (replayed)`, tx);
    }
    return deferred.length;
  }

  private async refundInvoice(event: LemonSqueezyEvent, tx: Tx): Promise<string> {
    const invoiceId = event.id;
    if (!invoiceId) return 'ignored: incomplete invoice';
    return this.takeBackGrant(`invoice-${invoiceId}`, `refund-invoice-${invoiceId}`, tx);
  }

  /** A credit pack's credits once per order; a receipt for every paid order, plans' too. */
  private async grantPack(
    event: LemonSqueezyEvent,
    recipient: Recipient | undefined,
    tx: Tx,
  ): Promise<string> {
    const orderId = event.id;
    const a = OrderAttributes.parse(event.attributes);
    const packId = this.states.planOfVariant(a.first_order_item.variant_id);
    if (!orderId || !packId) return 'ignored: not a credit pack order';
    const pack = (await this.plans.packs()).find((p) => p.id === packId);
    const receipt = (name: string, priceCents: number) =>
      this.mail.queue(tx, recipient, mailId('receipt', orderId), {
        template: 'receipt',
        data: {
          orderId,
          planName: name,
          amount: a.total ?? priceCents,
          currency: a.currency ?? 'USD',
          paidAt: a.created_at ?? new Date().toISOString(),
          ...(a.urls?.receipt ? { receiptUrl: a.urls.receipt } : {}),
        },
      });
    if (!pack) {
      const plan = await this.plans.find(packId, tx);
      const mailed = a.status === 'paid' && plan && (await receipt(plan.name, plan.priceCents));
      return `ignored: subscription order (credits come with its invoices)${mailed ? '; receipt mailed' : ''}`;
    }
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
    if (!granted) return 'already granted for this order';
    const mailed = await receipt(pack.name, pack.priceCents);
    return `granted ${pack.credits} credits${mailed ? '; receipt mailed' : ''}`;
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
