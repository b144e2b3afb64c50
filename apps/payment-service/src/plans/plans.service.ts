import { Injectable } from '@nestjs/common';
import type { PlanForUser, Tier } from '@pingvas/contracts';
import { CreditLedger } from '../credits/credit-ledger';
import { PlansRepository } from './plans.repository';

@Injectable()
export class PlansService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly ledger: CreditLedger,
  ) {}

  /** Read at every call (no cache): a tier change applies to the very next reservation. */
  async forUser(userId: string): Promise<PlanForUser> {
    const balance = await this.ledger.balance(userId);
    return this.plans.forPlanId(balance.planId);
  }

  /** The worker's dispatch weights: per tier, the largest weight of its plans. */
  async queueWeights(): Promise<Partial<Record<Tier, number>>> {
    const weights: Partial<Record<Tier, number>> = {};
    for (const plan of await this.plans.all())
      weights[plan.tier] = Math.max(weights[plan.tier] ?? 0, plan.limits.queueWeight);
    return weights;
  }

  async catalogue() {
    return { plans: await this.plans.all(), packs: await this.plans.packs() };
  }
}
