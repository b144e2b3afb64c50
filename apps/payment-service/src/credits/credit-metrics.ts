import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import { Counter } from 'prom-client';
import type { LedgerKind } from './credit-ledger';

const GRANT_REASONS: Partial<Record<LedgerKind, string>> = {
  open: 'signup',
  subscription_grant: 'plan',
  pack_purchase: 'pack',
  admin_grant: 'admin',
};

/** The business side of the ledger for dashboards: credits spent, given back and granted. */
@Injectable()
export class CreditMetrics {
  private readonly captured: Counter<'tier'>;
  private readonly released: Counter;
  private readonly granted: Counter<'reason'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.captured = new Counter({
      name: 'credits_captured_total',
      help: 'Credits spent on succeeded generations, by the plan tier at capture',
      labelNames: ['tier'],
      registers,
    });
    this.released = new Counter({
      name: 'credits_released_total',
      help: 'Held credits given back (failed, canceled or expired generations)',
      registers,
    });
    this.granted = new Counter({
      name: 'credits_granted_total',
      help: 'Credits added to accounts, by reason (signup, plan, pack, admin)',
      labelNames: ['reason'],
      registers,
    });
  }

  settled(status: 'captured' | 'released' | 'expired', amount: number, tier: Tier | null): void {
    if (status === 'captured') this.captured.inc({ tier: tier ?? 'unknown' }, amount);
    else this.released.inc(amount);
  }

  /** Counted when the ledger row is written, inside its transaction (a rare rollback counts too). */
  ledgerRow(kind: LedgerKind, availableDelta: number): void {
    const reason = GRANT_REASONS[kind];
    if (reason && availableDelta > 0) this.granted.inc({ reason }, availableDelta);
  }
}
