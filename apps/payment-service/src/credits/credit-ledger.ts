import { Inject, Injectable } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import type {
  CreditsReserveRequest,
  CreditsReserveResponse,
  CreditsSettleResponse,
  Tier,
} from '@pingvas/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentServiceConfig } from '../config';
import { PlansRepository } from '../plans/plans.repository';
import { CreditMetrics } from './credit-metrics';

export type LedgerKind =
  | 'open'
  | 'reserve'
  | 'capture'
  | 'release'
  | 'expire'
  | 'subscription_grant'
  | 'pack_purchase'
  | 'admin_grant'
  | 'refund';

export interface Balance {
  userId: string;
  planId: string;
  available: number;
  reserved: number;
}

export interface LedgerEntry {
  id: string;
  kind: LedgerKind;
  availableDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
  createdAt: string;
}

type Settlement = 'captured' | 'released' | 'expired';

/** Rows of an UPDATE ... RETURNING (TypeORM answers [rows, count] for UPDATE and DELETE). */
type Updated<T> = [T[], number];

/**
 * Credits are money. Every change is one transaction that moves the balance with a
 * conditional UPDATE (so `available` and `reserved` never go below zero, even under
 * concurrency; the table's CHECKs are the last guard) and appends the matching ledger row,
 * so the ledger always sums to the balance. Every entry point is idempotent by a key.
 */
@Injectable()
export class CreditLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
    private readonly metrics: CreditMetrics,
  ) {}

  /** Opens the account on the free plan with its credits; a second call does nothing. */
  async openAccount(userId: string, manager?: EntityManager): Promise<boolean> {
    const run = async (m: EntityManager) => {
      const opened: { available: number }[] = await m.query(
        `INSERT INTO "credit_accounts" ("user_id", "plan_id", "available", "reserved")
         SELECT $1, "id", "monthly_credits", 0 FROM "plans" WHERE "tier" = 'free'
         ON CONFLICT ("user_id") DO NOTHING RETURNING "available"`,
        [userId],
      );
      if (opened.length === 0) return false;
      await this.append(m, userId, 'open', opened[0].available, 0, {
        key: `open-${userId}`,
        reason: 'free plan',
      });
      return true;
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  async reserve(req: CreditsReserveRequest): Promise<CreditsReserveResponse> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO "credit_reservations" ("id", "user_id", "amount", "reason", "status", "answer", "expires_at")
         VALUES ($1, $2, $3, $4, 'held', '{}', now() + make_interval(mins => $5))
         ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
        [
          req.reservationId,
          req.userId,
          req.amount,
          req.reason,
          req.holdMinutes ?? this.config.reservations.ttlMinutes,
        ],
      );
      if (inserted.length === 0) return this.firstAnswer(m, req);

      await this.openAccount(req.userId, m);
      const [moved]: Updated<{ available: number; plan_id: string }> = await m.query(
        `UPDATE "credit_accounts" SET "available" = "available" - $2, "reserved" = "reserved" + $2, "updated_at" = now()
         WHERE "user_id" = $1 AND "available" >= $2 RETURNING "available", "plan_id"`,
        [req.userId, req.amount],
      );
      if (moved.length === 0) {
        const [{ available }] = await m.query(
          `SELECT "available" FROM "credit_accounts" WHERE "user_id" = $1`,
          [req.userId],
        );
        const refused = {
          refused: true as const,
          available: Number(available),
          needed: req.amount,
        };
        await m.query(
          `UPDATE "credit_reservations" SET "status" = 'refused', "answer" = $2 WHERE "id" = $1`,
          [req.reservationId, JSON.stringify(refused)],
        );
        return refused;
      }
      await this.append(m, req.userId, 'reserve', -req.amount, req.amount, {
        reference: req.reservationId,
        reason: req.reason,
      });
      const plan = await this.plans.forPlanId(moved[0].plan_id, m);
      const answer: CreditsReserveResponse = { ...plan, available: moved[0].available };
      await m.query(`UPDATE "credit_reservations" SET "answer" = $2 WHERE "id" = $1`, [
        req.reservationId,
        JSON.stringify(answer),
      ]);
      return answer;
    });
    if ('refused' in outcome) throw insufficient(outcome.available, outcome.needed);
    return outcome;
  }

  capture(reservationId: string): Promise<CreditsSettleResponse> {
    return this.settle(reservationId, 'captured');
  }

  release(reservationId: string): Promise<CreditsSettleResponse> {
    return this.settle(reservationId, 'released');
  }

  /** Releases held reservations past their expiry; returns how many. */
  async expireDue(limit = 500): Promise<number> {
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT "id" FROM "credit_reservations" WHERE "status" = 'held' AND "expires_at" <= now() ORDER BY "expires_at" LIMIT $1`,
      [limit],
    );
    let expired = 0;
    for (const { id } of due) if ((await this.settle(id, 'expired')).changed) expired += 1;
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
    options: { key: string; reference?: string; reason?: string },
    manager?: EntityManager,
  ): Promise<boolean> {
    const run = async (m: EntityManager) => {
      await this.openAccount(userId, m);
      if (!(await this.append(m, userId, kind, amount, 0, options))) return false;
      await m.query(
        `UPDATE "credit_accounts" SET "available" = "available" + $2, "updated_at" = now() WHERE "user_id" = $1`,
        [userId, amount],
      );
      return true;
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** Takes back up to `amount` of what is available (refunds): never below zero. Returns what it took. */
  async takeBack(
    userId: string,
    amount: number,
    options: { key: string; reference?: string; reason?: string },
    manager: EntityManager,
  ): Promise<number> {
    await this.openAccount(userId, manager);
    const [row] = await manager.query(
      `SELECT "available" FROM "credit_accounts" WHERE "user_id" = $1 FOR UPDATE`,
      [userId],
    );
    const taken = Math.min(amount, Number(row.available));
    if (taken <= 0) return 0;
    if (!(await this.append(manager, userId, 'refund', -taken, 0, options))) return 0;
    await manager.query(
      `UPDATE "credit_accounts" SET "available" = "available" - $2, "updated_at" = now() WHERE "user_id" = $1`,
      [userId, taken],
    );
    return taken;
  }

  async setPlan(userId: string, planId: string, manager: EntityManager): Promise<void> {
    await this.openAccount(userId, manager);
    await manager.query(
      `UPDATE "credit_accounts" SET "plan_id" = $2, "updated_at" = now() WHERE "user_id" = $1`,
      [userId, planId],
    );
  }

  async balance(userId: string): Promise<Balance> {
    await this.openAccount(userId);
    const [row] = await this.dataSource.query(
      `SELECT "user_id", "plan_id", "available", "reserved" FROM "credit_accounts" WHERE "user_id" = $1`,
      [userId],
    );
    return {
      userId: row.user_id,
      planId: row.plan_id,
      available: row.available,
      reserved: row.reserved,
    };
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async entries(userId: string, limit: number, before?: string): Promise<LedgerEntry[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT "id", "kind", "available_delta", "reserved_delta", "reference", "reason", "created_at"
       FROM "credit_ledger" WHERE "user_id" = $1 AND ($2::bigint IS NULL OR "id" < $2::bigint)
       ORDER BY "id" DESC LIMIT $3`,
      [userId, before ?? null, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      kind: r.kind as LedgerKind,
      availableDelta: Number(r.available_delta),
      reservedDelta: Number(r.reserved_delta),
      reference: (r.reference as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      createdAt: (r.created_at as Date).toISOString(),
    }));
  }

  /** Appends one ledger row; false when its idempotency key was already used. */
  private async append(
    m: EntityManager,
    userId: string,
    kind: LedgerKind,
    availableDelta: number,
    reservedDelta: number,
    options: { key?: string; reference?: string; reason?: string },
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO "credit_ledger" ("user_id", "kind", "available_delta", "reserved_delta", "reference", "reason", "idempotency_key")
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ("idempotency_key") DO NOTHING RETURNING "id"`,
      [
        userId,
        kind,
        availableDelta,
        reservedDelta,
        options.reference ?? null,
        options.reason ?? null,
        options.key ?? null,
      ],
    );
    if (rows.length === 1) this.metrics.ledgerRow(kind, availableDelta);
    return rows.length === 1;
  }

  /** A repeated reserve: the first answer again, and nothing more held. */
  private async firstAnswer(m: EntityManager, req: CreditsReserveRequest) {
    const [row] = await m.query(
      `SELECT "user_id", "amount", "status", "answer" FROM "credit_reservations" WHERE "id" = $1`,
      [req.reservationId],
    );
    if (row.user_id !== req.userId || row.amount !== req.amount) {
      throw new AppError('CONFLICT', 'This reservation id was used with another user or amount');
    }
    return row.answer as
      CreditsReserveResponse | { refused: true; available: number; needed: number };
  }

  private async settle(reservationId: string, to: Settlement): Promise<CreditsSettleResponse> {
    let moved: { amount: number; tier: Tier | null } | undefined;
    const answer = await this.dataSource.transaction(async (m) => {
      const [done]: Updated<{ user_id: string; amount: number }> = await m.query(
        `UPDATE "credit_reservations" SET "status" = $2, "settled_at" = now()
         WHERE "id" = $1 AND "status" = 'held' RETURNING "user_id", "amount"`,
        [reservationId, to],
      );
      if (done.length === 1) {
        const { user_id: userId, amount } = done[0];
        const back = to === 'captured' ? 0 : amount;
        const [account]: Updated<{ tier: Tier | null }> = await m.query(
          `UPDATE "credit_accounts" SET "available" = "available" + $2, "reserved" = "reserved" - $3, "updated_at" = now()
           WHERE "user_id" = $1
           RETURNING (SELECT "tier" FROM "plans" WHERE "id" = "credit_accounts"."plan_id") AS "tier"`,
          [userId, back, amount],
        );
        moved = { amount, tier: account[0]?.tier ?? null };
        await this.append(
          m,
          userId,
          to === 'captured' ? 'capture' : to === 'released' ? 'release' : 'expire',
          back,
          -amount,
          {
            reference: reservationId,
          },
        );
        return { reservationId, status: to, changed: true };
      }
      const [row] = await m.query(`SELECT "status" FROM "credit_reservations" WHERE "id" = $1`, [
        reservationId,
      ]);
      if (!row || row.status === 'refused')
        throw new AppError('NOT_FOUND', 'No credits are held under this reservation id');
      const status = row.status as Settlement;
      const sameSide = (status === 'captured') === (to === 'captured');
      if (!sameSide) {
        throw new AppError('ALREADY_SETTLED', `The reservation was already ${status}`, { status });
      }
      return { reservationId, status, changed: false };
    });
    // Counted once the move is committed (a repeated settle moves nothing).
    if (moved) this.metrics.settled(to, moved.amount, moved.tier);
    return answer;
  }
}

function insufficient(available: number, needed: number): AppError {
  return new AppError(
    'INSUFFICIENT_CREDITS',
    `This needs ${needed} credits; ${available} are available`,
    { available, needed },
  );
}
