import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';

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

export interface NewLedgerEntry {
  userId: string;
  kind: LedgerKind;
  availableDelta: number;
  reservedDelta: number;
  /** Unique: a second entry under the same key is not written. */
  key?: string;
  reference?: string;
  reason?: string;
}

/** The entry written under an idempotency key: whose it was, what it gave, and its reference. */
export interface KeyedEntry {
  userId: string;
  availableDelta: number;
  reference: string | null;
}

interface AccountRow {
  user_id: string;
  plan_id: string;
  available: number;
  reserved: number;
}

interface EntryRow {
  id: string;
  kind: LedgerKind;
  available_delta: number;
  reserved_delta: number;
  reference: string | null;
  reason: string | null;
  created_at: Date;
}

const toEntry = (r: EntryRow): LedgerEntry => ({
  id: String(r.id),
  kind: r.kind,
  availableDelta: Number(r.available_delta),
  reservedDelta: Number(r.reserved_delta),
  reference: r.reference ?? null,
  reason: r.reason ?? null,
  createdAt: r.created_at.toISOString(),
});

/**
 * A user's credit account: its balance row (`credit_accounts`) and its append-only history
 * (`credit_ledger`). Balances move with conditional UPDATEs, so `available` and `reserved`
 * never go below zero even under concurrency (the table's CHECKs are the last guard); the
 * rules that pair each move with its ledger row are in `CreditLedger`.
 */
@Injectable()
export class CreditAccountsRepository extends SqlRepository {
  /** Opens the account with `available` credits; false when it was already open. */
  async open(userId: string, planId: string, available: number, tx: Tx): Promise<boolean> {
    const opened = await this.query(
      `INSERT INTO "credit_accounts" ("user_id", "plan_id", "available", "reserved")
       VALUES ($1, $2, $3, 0) ON CONFLICT ("user_id") DO NOTHING RETURNING "user_id"`,
      [userId, planId, available],
      tx,
    );
    return opened.length === 1;
  }

  async find(userId: string, tx?: Tx): Promise<Balance | undefined> {
    const [row] = await this.query<AccountRow>(
      `SELECT "user_id", "plan_id", "available", "reserved" FROM "credit_accounts" WHERE "user_id" = $1`,
      [userId],
      tx,
    );
    return row
      ? {
          userId: row.user_id,
          planId: row.plan_id,
          available: row.available,
          reserved: row.reserved,
        }
      : undefined;
  }

  /** What is available, the row locked until `tx` ends (a refund reads, then takes). */
  async lockAvailable(userId: string, tx: Tx): Promise<number> {
    const [row] = await this.query<Pick<AccountRow, 'available'>>(
      `SELECT "available" FROM "credit_accounts" WHERE "user_id" = $1 FOR UPDATE`,
      [userId],
      tx,
    );
    return Number(row.available);
  }

  /**
   * Moves `amount` from available to reserved when that much is available; the balance after
   * the move, or undefined when it was refused.
   */
  async hold(userId: string, amount: number, tx: Tx): Promise<Balance | undefined> {
    const { rows } = await this.modify<AccountRow>(
      `UPDATE "credit_accounts" SET "available" = "available" - $2, "reserved" = "reserved" + $2, "updated_at" = now()
       WHERE "user_id" = $1 AND "available" >= $2 RETURNING "user_id", "plan_id", "available", "reserved"`,
      [userId, amount],
      tx,
    );
    const [row] = rows;
    return row
      ? {
          userId: row.user_id,
          planId: row.plan_id,
          available: row.available,
          reserved: row.reserved,
        }
      : undefined;
  }

  /** Ends a hold of `held` credits, giving `back` of them to available; the account's plan id. */
  async endHold(userId: string, held: number, back: number, tx: Tx): Promise<string | undefined> {
    const { rows } = await this.modify<Pick<AccountRow, 'plan_id'>>(
      `UPDATE "credit_accounts" SET "available" = "available" + $2, "reserved" = "reserved" - $3, "updated_at" = now()
       WHERE "user_id" = $1 RETURNING "plan_id"`,
      [userId, back, held],
      tx,
    );
    return rows[0]?.plan_id;
  }

  /** Adds `delta` to available (negative takes; the caller never takes more than is there). */
  async addAvailable(userId: string, delta: number, tx: Tx): Promise<void> {
    await this.query(
      `UPDATE "credit_accounts" SET "available" = "available" + $2, "updated_at" = now() WHERE "user_id" = $1`,
      [userId, delta],
      tx,
    );
  }

  async setPlan(userId: string, planId: string, tx: Tx): Promise<void> {
    await this.query(
      `UPDATE "credit_accounts" SET "plan_id" = $2, "updated_at" = now() WHERE "user_id" = $1`,
      [userId, planId],
      tx,
    );
  }

  /** Appends one ledger row; false when its idempotency key was already used. */
  async append(entry: NewLedgerEntry, tx: Tx): Promise<boolean> {
    const rows = await this.query(
      `INSERT INTO "credit_ledger" ("user_id", "kind", "available_delta", "reserved_delta", "reference", "reason", "idempotency_key")
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ("idempotency_key") DO NOTHING RETURNING "id"`,
      [
        entry.userId,
        entry.kind,
        entry.availableDelta,
        entry.reservedDelta,
        entry.reference ?? null,
        entry.reason ?? null,
        entry.key ?? null,
      ],
      tx,
    );
    return rows.length === 1;
  }

  /** The entry written under this idempotency key, if any. */
  async entryUnder(key: string, tx?: Tx): Promise<KeyedEntry | undefined> {
    const [row] = await this.query<{
      user_id: string;
      available_delta: number;
      reference: string | null;
    }>(
      `SELECT "user_id", "available_delta", "reference" FROM "credit_ledger" WHERE "idempotency_key" = $1`,
      [key],
      tx,
    );
    return row
      ? {
          userId: row.user_id,
          availableDelta: Number(row.available_delta),
          reference: row.reference,
        }
      : undefined;
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async entries(userId: string, limit: number, before?: string): Promise<LedgerEntry[]> {
    const rows = await this.query<EntryRow>(
      `SELECT "id", "kind", "available_delta", "reserved_delta", "reference", "reason", "created_at"
       FROM "credit_ledger" WHERE "user_id" = $1 AND ($2::bigint IS NULL OR "id" < $2::bigint)
       ORDER BY "id" DESC LIMIT $3`,
      [userId, before ?? null, limit],
    );
    return rows.map(toEntry);
  }

  /** Erasure: whether the user has an account, the row locked until `tx` ends. */
  async lockForErasure(userId: string, tx: Tx): Promise<boolean> {
    const [account] = await this.query(
      `SELECT 1 FROM "credit_accounts" WHERE "user_id" = $1 FOR UPDATE`,
      [userId],
      tx,
    );
    return Boolean(account);
  }

  /**
   * Erasure: the account (when `hasAccount`) and the ledger rows of `userId` pass to
   * `anonymous`; how many ledger rows were renamed. The balance and the history stay and
   * still sum up.
   */
  async anonymise(userId: string, anonymous: string, hasAccount: boolean, tx: Tx): Promise<number> {
    if (hasAccount) {
      // The ledger references its account: the new account first, then its rows, then the old.
      await this.query(
        `INSERT INTO "credit_accounts" ("user_id", "plan_id", "available", "reserved", "created_at", "updated_at")
         SELECT $2, "plan_id", "available", "reserved", "created_at", now()
           FROM "credit_accounts" WHERE "user_id" = $1`,
        [userId, anonymous],
        tx,
      );
    }
    // Keys and texts that name the user (`open-<id>`) are renamed with the rows.
    const ledger = await this.modify(
      `UPDATE "credit_ledger" SET "user_id" = CASE WHEN "user_id" = $1 THEN $2 ELSE "user_id" END,
         "idempotency_key" = replace("idempotency_key", $3, $4),
         "reference" = replace("reference", $3, $4), "reason" = replace("reason", $3, $4)
       WHERE "user_id" = $1 OR strpos("idempotency_key", $3) > 0 OR strpos("reference", $3) > 0
          OR strpos("reason", $3) > 0`,
      [userId, anonymous, userId, anonymous],
      tx,
    );
    if (hasAccount) {
      await this.query(`DELETE FROM "credit_accounts" WHERE "user_id" = $1`, [userId], tx);
    }
    return ledger.count;
  }
}
