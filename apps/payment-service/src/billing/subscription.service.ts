import { Inject, Injectable } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from '../credits/credit-ledger';
import { PlansRepository } from '../plans/plans.repository';
import { LemonSqueezyClient, type LemonSqueezySubscription } from './lemon-squeezy.client';
import { SubscriptionAttributes } from './lemon-squeezy.events';
import { SubscriptionStates } from './subscription-states';
import { type Subscription, SubscriptionsRepository } from './subscriptions.repository';

/** The subscription as its owner sees it (`GET billing/subscription`, the export). */
export interface SubscriptionView {
  id: string | null;
  /** The plan it pays for (`planId` too, as before). */
  plan: string;
  planId: string;
  /** Lemon Squeezy's status (`active`, `cancelled`, `past_due`, `expired` …) or `none`. */
  status: string;
  /** Cancelled at period end: paid for until `endsAt`, resumable until then. */
  cancelled: boolean;
  renewsAt: string | null;
  endsAt: string | null;
  updatedAt: string | null;
}

export function subscriptionView(s: Subscription | undefined): SubscriptionView {
  if (!s)
    return {
      id: null,
      plan: 'free',
      planId: 'free',
      status: 'none',
      cancelled: false,
      renewsAt: null,
      endsAt: null,
      updatedAt: null,
    };
  return {
    id: s.id,
    plan: s.planId,
    planId: s.planId,
    status: s.status,
    cancelled: s.cancelled,
    renewsAt: s.renewsAt,
    endsAt: s.endsAt,
    updatedAt: s.sourceUpdatedAt || null,
  };
}

/**
 * Cancel, resume and change a subscription through Lemon Squeezy's subscription API. Its
 * answer is applied at once, the way a webhook's state is (so the next read shows it); the
 * webhooks that follow (`subscription_updated` …) stay the authority and apply over it. A
 * refused or unreachable call changes nothing here (502/503).
 */
@Injectable()
export class SubscriptionService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly states: SubscriptionStates,
    private readonly lemonSqueezy: LemonSqueezyClient,
    private readonly plans: PlansRepository,
    private readonly ledger: CreditLedger,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {}

  async current(userId: string): Promise<SubscriptionView> {
    return subscriptionView(await this.subscriptions.latestOf(userId));
  }

  /** Cancels at the end of the paid period; cancelling a cancelled one again changes nothing. */
  async cancel(userId: string): Promise<SubscriptionView> {
    const s = await this.ownLive(userId);
    if (s.cancelled) return subscriptionView(s);
    return this.reflect(s, await this.lemonSqueezy.cancelSubscription(s.id));
  }

  async resume(userId: string): Promise<SubscriptionView> {
    const s = await this.ownLive(userId);
    if (!s.cancelled) throw new AppError('NOT_CANCELLED', 'The subscription is not cancelled');
    return this.reflect(s, await this.lemonSqueezy.updateSubscription(s.id, { cancelled: false }));
  }

  /** Another paid plan; Lemon Squeezy prorates the change. Free is not a plan change: cancel. */
  async changePlan(userId: string, planId: string): Promise<SubscriptionView> {
    if (planId === 'free')
      throw new AppError(
        'VALIDATION_FAILED',
        'Cancel the subscription to go back to the free plan',
        [{ field: 'plan', problems: ['plan must be a paid plan; cancel to go back to free'] }],
      );
    const variantId = this.config.lemonSqueezy.variants[planId];
    if (!(await this.plans.find(planId)) || !variantId)
      throw new AppError('VALIDATION_FAILED', `${planId} is not a plan for sale`, [
        { field: 'plan', problems: [`plan ${planId} is not for sale`] },
      ]);
    const s = await this.ownLive(userId);
    if (s.planId === planId)
      throw new AppError('SAME_PLAN', `The subscription is already ${planId}`);
    const variant = /^\d+$/.test(variantId) ? Number(variantId) : variantId;
    return this.reflect(
      s,
      await this.lemonSqueezy.updateSubscription(s.id, { variant_id: variant as number }),
    );
  }

  /** Lemon Squeezy's customer portal for the subscription (a signed link, fetched fresh). */
  async portal(userId: string): Promise<{ url: string }> {
    const s = await this.ownLive(userId);
    const answer = await this.lemonSqueezy.getSubscription(s.id);
    const url = SubscriptionAttributes.parse(answer.attributes).urls?.customer_portal;
    if (!url) throw new AppError('UPSTREAM_ERROR', 'The payment provider gave no portal link');
    return { url };
  }

  /** The caller's latest subscription that has not ended; another user's is never found. */
  private async ownLive(userId: string): Promise<Subscription> {
    const s = await this.subscriptions.latestOf(userId);
    if (!s || s.status === 'expired')
      throw new AppError('NO_SUBSCRIPTION', 'You have no subscription');
    return s;
  }

  private async reflect(
    s: Subscription,
    answer: LemonSqueezySubscription,
  ): Promise<SubscriptionView> {
    if (answer.id !== s.id)
      throw new AppError(
        'UPSTREAM_ERROR',
        'The payment provider answered for another subscription',
      );
    await this.ledger.transaction((tx) => this.states.apply(s.id, s.userId, answer.attributes, tx));
    return subscriptionView(await this.subscriptions.get(s.id));
  }
}
