import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import type { Tx } from '@pingvas/database';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from '../credits/credit-ledger';
import { PlansRepository } from '../plans/plans.repository';
import { keepsPaidPlan, SubscriptionAttributes } from './lemon-squeezy.events';
import { SubscriptionsRepository } from './subscriptions.repository';

const FREE_PLAN = 'free';

export interface AppliedState {
  /** False when nothing was stored (incomplete, unlinked, stale or an unsold variant). */
  applied: boolean;
  outcome: string;
}

/**
 * A subscription's state as Lemon Squeezy sent it, whether in a webhook or in the answer to
 * our own API call, applied one way: stored unless a newer state already is, and the user's
 * plan set from it (a cancelled subscription keeps the paid plan until `ends_at`).
 */
@Injectable()
export class SubscriptionStates {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly plans: PlansRepository,
    private readonly ledger: CreditLedger,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {}

  planOfVariant(variantId: string | undefined): string | undefined {
    if (!variantId) return undefined;
    return Object.entries(this.config.lemonSqueezy.variants).find(([, v]) => v === variantId)?.[0];
  }

  async apply(
    id: string | undefined,
    linkedUserId: string | undefined,
    attributes: unknown,
    tx: Tx,
  ): Promise<AppliedState> {
    const a = SubscriptionAttributes.parse(attributes);
    const { status, updated_at: updatedAt, variant_id: variantId, ends_at: endsAt } = a;
    if (!id || !status || !updatedAt || !variantId)
      return { applied: false, outcome: 'ignored: incomplete subscription' };
    const existing = await this.subscriptions.find(id, tx);
    // The owner we recorded wins: once erased, a late event naming the old id links nobody.
    const userId = existing?.userId ?? linkedUserId;
    if (!userId) return { applied: false, outcome: 'ignored: no user_id in custom_data' };
    // Out-of-order delivery: an older state never overwrites a newer one.
    if (existing && new Date(existing.sourceUpdatedAt) > new Date(updatedAt))
      return { applied: false, outcome: 'stale: a newer state is applied' };
    const planId = this.planOfVariant(variantId);
    if (!planId || !(await this.plans.find(planId, tx)))
      return { applied: false, outcome: `ignored: variant ${variantId} sells no plan` };
    await this.subscriptions.upsert(
      {
        id,
        userId,
        planId,
        status,
        cancelled: a.cancelled ?? status === 'cancelled',
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
    return { applied: true, outcome: `subscription ${status}: plan ${effective}` };
  }
}
