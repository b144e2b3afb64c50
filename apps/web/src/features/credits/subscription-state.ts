import type { Plan, Subscription } from '@/types/api';

/** A subscription that still holds a paid plan (a cancelled one until its period ends). */
export function isLive(subscription: Subscription | undefined): subscription is Subscription {
  return subscription !== undefined && !['none', 'expired'].includes(subscription.status);
}

/** Cancelled at the period end, still resumable (older views only said so in `status`). */
export function isCancelled(subscription: Subscription): boolean {
  return subscription.cancelled ?? subscription.status === 'cancelled';
}

/** The plans a subscriber may change to: every paid plan but the one they pay for. */
export function otherPaidPlans(plans: Plan[], currentPlanId: string): Plan[] {
  return plans.filter((p) => p.priceCents > 0 && p.planId !== currentPlanId);
}
