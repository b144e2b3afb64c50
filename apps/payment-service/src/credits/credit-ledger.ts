import { Inject, Injectable } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import type {
  CreditsReserveRequest,
  CreditsReserveResponse,
  CreditsSettleResponse,
} from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { CatalogueChanges } from '@pingvas/messaging';
import type { PaymentServiceConfig } from '../config';
import { PaymentMetrics } from '../payment-metrics';
import { PlansRepository } from '../plans/plans.repository';
import {
  type Balance,
  CreditAccountsRepository,
  type LedgerKind,
  type NewLedgerEntry,
} from './credit-accounts.repository';
import {
  type Refusal,
  type ReserveAnswer,
  ReservationsRepository,
  type Settlement,
} from './reservations.repository';

type KeyedOptions = { key: string; reference?: string; reason?: string };

const SETTLED_KIND: Record<Settlement, LedgerKind> = {
  captured: 'capture',
  released: 'release',
  expired: 'expire',
};

/**
 * Credits are money. Every change is one transaction that moves the balance and appends the
 * matching ledger row, so the ledger always sums to the balance; every entry point is
 * idempotent by a key (a reservation id, an idempotency key). What a transaction moved is
 * counted once it has committed.
 */
@Injectable()
export class CreditLedger {
  /** Counts (and announcements) waiting for the commit of the transaction they belong to. */
  private readonly uncounted = new WeakMap<Tx, (() => void)[]>();

  constructor(
    private readonly accounts: CreditAccountsRepository,
    private readonly reservations: ReservationsRepository,
    private readonly plans: PlansRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<PaymentServiceConfig, 'reservations'>,
    private readonly metrics: PaymentMetrics,
    @Inject(CatalogueChanges) private readonly changes: Pick<CatalogueChanges, 'announce'>,
  ) {}

  /**
   * One transaction for credit moves (and whatever else must commit with them): the ledger
   * methods given its `tx` join it, and their metrics are counted after it commits.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const counts: (() => void)[] = [];
    const result = await this.accounts.transaction((tx) => {
      this.uncounted.set(tx, counts);
      return fn(tx);
    });
    for (const count of counts) count();
    return result;
  }

  /** Opens the account on the free plan with its credits; a second call does nothing. */
  async openAccount(userId: string, tx?: Tx): Promise<boolean> {
    if (!tx) return this.transaction((t) => this.openAccount(userId, t));
    const free = await this.plans.ofTier('free', tx);
    if (!free || !(await this.accounts.open(userId, free.planId, free.monthlyCredits, tx)))
      return false;
    await this.append(tx, {
      userId,
      kind: 'open',
      availableDelta: free.monthlyCredits,
      reservedDelta: 0,
      key: `open-${userId}`,
      reason: 'free plan',
    });
    return true;
  }

  async reserve(req: CreditsReserveRequest): Promise<CreditsReserveResponse> {
    const answer = await this.transaction(async (tx): Promise<ReserveAnswer> => {
      const held = await this.reservations.insert(
        {
          id: req.reservationId,
          userId: req.userId,
          amount: req.amount,
          reason: req.reason,
          holdMinutes: req.holdMinutes ?? this.config.reservations.ttlMinutes,
        },
        tx,
      );
      if (!held) return this.firstAnswer(req, tx);

      // The account is open but for a user's very first move: open it only when the hold finds none.
      // Hold again whoever opened it: `user.created` may have opened it while this waited, and the
      // second UPDATE (read committed) sees that row.
      let moved = await this.accounts.hold(req.userId, req.amount, tx);
      if (!moved) {
        await this.openAccount(req.userId, tx);
        moved = await this.accounts.hold(req.userId, req.amount, tx);
      }
      if (!moved) {
        const account = await this.accounts.find(req.userId, tx);
        const refused: Refusal = {
          refused: true,
          available: Number(account?.available),
          needed: req.amount,
        };
        await this.reservations.answer(req.reservationId, refused, tx);
        return refused;
      }
      await this.append(tx, {
        userId: req.userId,
        kind: 'reserve',
        availableDelta: -req.amount,
        reservedDelta: req.amount,
        reference: req.reservationId,
        reason: req.reason,
      });
      const plan = await this.plans.forPlanId(moved.planId, tx);
      const granted: CreditsReserveResponse = { ...plan, available: moved.available };
      await this.reservations.answer(req.reservationId, granted, tx);
      return granted;
    });
    if ('refused' in answer) throw insufficient(answer.available, answer.needed);
    return answer;
  }

  capture(reservationId: string): Promise<CreditsSettleResponse> {
    return this.settle(reservationId, 'captured');
  }

  release(reservationId: string): Promise<CreditsSettleResponse> {
    return this.settle(reservationId, 'released');
  }

  /** Releases held reservations past their expiry; returns how many. */
  async expireDue(limit = 500): Promise<number> {
    let expired = 0;
    for (const id of await this.reservations.due(limit))
      if ((await this.settle(id, 'expired')).changed) expired += 1;
    return expired;
  }

  /**
   * Adds credits once per idempotency key (a webhook event, an invoice, an admin request).
   * Resolves to false when that key was already applied.
   */
  async grant(
    userId: string,
    amount: number,
    kind: LedgerKind,
    options: KeyedOptions,
    tx?: Tx,
  ): Promise<boolean> {
    if (!tx) return this.transaction((t) => this.grant(userId, amount, kind, options, t));
    await this.openAccount(userId, tx);
    const entry = { userId, kind, availableDelta: amount, reservedDelta: 0, ...options };
    if (!(await this.append(tx, entry))) return false;
    await this.accounts.addAvailable(userId, amount, tx);
    return true;
  }

  /** Takes back up to `amount` of what is available (refunds): never below zero. Returns what it took. */
  async takeBack(userId: string, amount: number, options: KeyedOptions, tx: Tx): Promise<number> {
    await this.openAccount(userId, tx);
    const taken = Math.min(amount, await this.accounts.lockAvailable(userId, tx));
    if (taken <= 0) return 0;
    const entry = { userId, kind: 'refund' as const, availableDelta: -taken, reservedDelta: 0 };
    if (!(await this.append(tx, { ...entry, ...options }))) return 0;
    await this.accounts.addAvailable(userId, -taken, tx);
    return taken;
  }

  async setPlan(userId: string, planId: string, tx: Tx): Promise<void> {
    await this.openAccount(userId, tx);
    await this.accounts.setPlan(userId, planId, tx);
    // generation-service keeps users' plans: every replica drops this one once it commits.
    this.afterCommit(tx, () => void this.changes.announce({ kind: 'plan', userId }));
  }

  async balance(userId: string): Promise<Balance> {
    const open = await this.accounts.find(userId);
    if (open) return open;
    await this.openAccount(userId);
    const balance = await this.accounts.find(userId);
    if (!balance) throw new AppError('NOT_FOUND', `No credit account for ${userId}`);
    return balance;
  }

  /** Appends one ledger row, counted once `tx` commits; false when its key was already used. */
  private async append(tx: Tx, entry: NewLedgerEntry): Promise<boolean> {
    if (!(await this.accounts.append(entry, tx))) return false;
    this.afterCommit(tx, () => this.metrics.ledgerRow(entry.kind, entry.availableDelta));
    return true;
  }

  private afterCommit(tx: Tx, count: () => void): void {
    const counts = this.uncounted.get(tx);
    // A programming error, refused loudly: a move made in a foreign transaction goes uncounted.
    if (!counts) throw new Error('credit moves need a transaction opened by CreditLedger');
    counts.push(count);
  }

  /** A repeated reserve: the first answer again, and nothing more held. */
  private async firstAnswer(req: CreditsReserveRequest, tx: Tx): Promise<ReserveAnswer> {
    const first = await this.reservations.find(req.reservationId, tx);
    if (first?.userId !== req.userId || first.amount !== req.amount) {
      throw new AppError('CONFLICT', 'This reservation id was used with another user or amount');
    }
    return first.answer;
  }

  private async settle(reservationId: string, to: Settlement): Promise<CreditsSettleResponse> {
    return this.transaction(async (tx) => {
      const done = await this.reservations.settle(reservationId, to, tx);
      if (done) {
        const back = to === 'captured' ? 0 : done.amount;
        const planId = await this.accounts.endHold(done.userId, done.amount, back, tx);
        const tier = planId ? ((await this.plans.find(planId, tx))?.tier ?? null) : null;
        this.afterCommit(tx, () => this.metrics.settled(to, done.amount, tier));
        await this.append(tx, {
          userId: done.userId,
          kind: SETTLED_KIND[to],
          availableDelta: back,
          reservedDelta: -done.amount,
          reference: reservationId,
        });
        return { reservationId, status: to, changed: true };
      }
      const row = await this.reservations.find(reservationId, tx);
      // A held row cannot be seen here (the UPDATE above would have settled it).
      if (!row || row.status === 'refused' || row.status === 'held')
        throw new AppError('NOT_FOUND', 'No credits are held under this reservation id');
      const status = row.status;
      const sameSide = (status === 'captured') === (to === 'captured');
      if (!sameSide) {
        throw new AppError('ALREADY_SETTLED', `The reservation was already ${status}`, { status });
      }
      return { reservationId, status, changed: false };
    });
  }
}

function insufficient(available: number, needed: number): AppError {
  return new AppError(
    'INSUFFICIENT_CREDITS',
    `This needs ${needed} credits; ${available} are available`,
    { available, needed },
  );
}
