import { Injectable } from '@nestjs/common';
import { MetricsRegistry, ServiceMetrics } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import type { LedgerKind } from './credits/credit-accounts.repository';
import type { Settlement } from './credits/reservations.repository';

const GRANT_REASONS: Partial<Record<LedgerKind, string>> = {
  open: 'signup',
  subscription_grant: 'plan',
  pack_purchase: 'pack',
  admin_grant: 'admin',
};

/**
 * payment-service's business metrics for dashboards: credits spent, given back and granted.
 * Callers count a move once the transaction that made it has committed.
 */
@Injectable()
export class PaymentMetrics extends ServiceMetrics {
  private readonly captured = this.counter<'tier'>({
    name: 'credits_captured_total',
    help: 'Credits spent on succeeded generations, by the plan tier at capture',
    labelNames: ['tier'],
  });
  private readonly released = this.counter({
    name: 'credits_released_total',
    help: 'Held credits given back (failed, canceled or expired generations)',
  });
  private readonly granted = this.counter<'reason'>({
    name: 'credits_granted_total',
    help: 'Credits added to accounts, by reason (signup, plan, pack, admin)',
    labelNames: ['reason'],
  });

  constructor(metrics: MetricsRegistry) {
    super(metrics);
  }

  settled(status: Settlement, amount: number, tier: Tier | null): void {
    if (status === 'captured') this.captured.inc({ tier: tier ?? 'unknown' }, amount);
    else this.released.inc(amount);
  }

  /** A committed ledger row: grants (available credits added) count by their reason. */
  ledgerRow(kind: LedgerKind, availableDelta: number): void {
    const reason = GRANT_REASONS[kind];
    if (reason && availableDelta > 0) this.granted.inc({ reason }, availableDelta);
  }
}
