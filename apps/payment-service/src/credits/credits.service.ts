import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import { type Plan, PlansRepository } from '../plans/plans.repository';
import { CreditAccountsRepository, type LedgerEntry } from './credit-accounts.repository';
import { CreditLedger } from './credit-ledger';
import type { AdminGrantDto } from './credits.dto';

export interface BalanceView {
  available: number;
  reserved: number;
  plan: Plan;
}

@Injectable()
export class CreditsService {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly accounts: CreditAccountsRepository,
    private readonly plans: PlansRepository,
  ) {}

  async balance(userId: string): Promise<BalanceView> {
    const balance = await this.ledger.balance(userId);
    const plan = await this.plans.find(balance.planId);
    if (!plan) throw new AppError('NOT_FOUND', `No plan ${balance.planId}`);
    return { available: balance.available, reserved: balance.reserved, plan };
  }

  async entries(
    userId: string,
    limit = 50,
    cursor?: string,
  ): Promise<{ items: LedgerEntry[]; nextCursor: string | null }> {
    const items = await this.accounts.entries(userId, limit + 1, cursor);
    const page = items.slice(0, limit);
    return { items: page, nextCursor: items.length > limit ? page[page.length - 1].id : null };
  }

  /**
   * An admin grant happens once per Idempotency-Key: the same key and body again answers the
   * same balance without granting; the same key with another body is IDEMPOTENCY_MISMATCH.
   */
  async adminGrant(
    grant: AdminGrantDto,
    idempotencyKey: string,
    adminId: string,
  ): Promise<BalanceView & { applied: boolean }> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([grant.userId, grant.amount, grant.reason]))
      .digest('hex');
    const key = `admin-${idempotencyKey}`;
    const applied = await this.ledger.grant(grant.userId, grant.amount, 'admin_grant', {
      key,
      reference: fingerprint,
      reason: `${grant.reason} (by ${adminId})`,
    });
    if (!applied) {
      const first = await this.accounts.entryUnder(key);
      if (first?.reference !== fingerprint) {
        throw new AppError(
          'IDEMPOTENCY_MISMATCH',
          'This Idempotency-Key was used with another request',
        );
      }
    }
    return { ...(await this.balance(grant.userId)), applied };
  }
}
