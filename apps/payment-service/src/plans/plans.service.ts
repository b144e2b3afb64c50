import { Injectable } from '@nestjs/common';
import type { PlanForUser } from '@pingvas/contracts';
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

  async catalogue() {
    return { plans: await this.plans.all(), packs: await this.plans.packs() };
  }
}
