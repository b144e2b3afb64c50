import type { Plan, Subscription } from '@/types/api';
import { isCancelled, isLive, otherPaidPlans } from './subscription-state';

const subscription = (over: Partial<Subscription>): Subscription => ({
  status: 'active',
  planId: 'starter',
  ...over,
});
const plan = (planId: string, priceCents: number) => ({ planId, priceCents }) as Plan;

describe('subscription state', () => {
  it('is live while it holds a paid plan, cancelled or not, and not on free or once expired', () => {
    expect(isLive(subscription({ status: 'active' }))).toBe(true);
    expect(isLive(subscription({ status: 'cancelled', cancelled: true }))).toBe(true);
    expect(isLive(subscription({ status: 'past_due' }))).toBe(true);
    expect(isLive(subscription({ status: 'none', planId: 'free' }))).toBe(false);
    expect(isLive(subscription({ status: 'expired' }))).toBe(false);
    expect(isLive(undefined)).toBe(false);
  });

  it('is cancelled as the view says, or by its status when the view has no flag', () => {
    expect(isCancelled(subscription({ status: 'active', cancelled: true }))).toBe(true);
    expect(isCancelled(subscription({ status: 'active', cancelled: false }))).toBe(false);
    expect(isCancelled(subscription({ status: 'cancelled' }))).toBe(true);
    expect(isCancelled(subscription({ status: 'active' }))).toBe(false);
  });

  it('offers every paid plan but the current one to change to, never free', () => {
    const plans = [plan('free', 0), plan('starter', 900), plan('pro', 2400), plan('studio', 5900)];
    expect(otherPaidPlans(plans, 'starter').map((p) => p.planId)).toEqual(['pro', 'studio']);
  });
});
