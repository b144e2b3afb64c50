import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';

export interface Subscription {
  id: string;
  userId: string;
  planId: string;
  status: string;
  /** Cancelled at the end of the period: still paid for until `endsAt`, and resumable. */
  cancelled: boolean;
  variantId: string;
  renewsAt: string | null;
  endsAt: string | null;
  sourceUpdatedAt: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : null);

function toSubscription(r: Record<string, unknown>): Subscription {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    planId: String(r.plan_id),
    status: String(r.status),
    cancelled: r.cancelled === true,
    variantId: String(r.variant_id),
    renewsAt: iso(r.renews_at),
    endsAt: iso(r.ends_at),
    sourceUpdatedAt: iso(r.source_updated_at) ?? '',
  };
}

/** `subscriptions`: the latest state Lemon Squeezy sent of each subscription. */
@Injectable()
export class SubscriptionsRepository extends SqlRepository {
  /** The subscription, locked until `tx` ends (its events apply one at a time). */
  async find(id: string, tx: Tx): Promise<Subscription | undefined> {
    const [row] = await this.query(
      `SELECT * FROM "subscriptions" WHERE "id" = $1 FOR UPDATE`,
      [id],
      tx,
    );
    return row ? toSubscription(row) : undefined;
  }

  /** The user's subscriptions Lemon Squeezy would still charge (not cancelled, not ended). */
  async chargingOf(userId: string): Promise<Subscription[]> {
    const rows = await this.query(
      `SELECT * FROM "subscriptions" WHERE "user_id" = $1 AND NOT "cancelled"
         AND "status" NOT IN ('cancelled', 'expired')`,
      [userId],
    );
    return rows.map(toSubscription);
  }

  /** The subscription as stored now, without a lock. */
  async get(id: string): Promise<Subscription | undefined> {
    const [row] = await this.query(`SELECT * FROM "subscriptions" WHERE "id" = $1`, [id]);
    return row ? toSubscription(row) : undefined;
  }

  async latestOf(userId: string): Promise<Subscription | undefined> {
    const [row] = await this.query(
      `SELECT * FROM "subscriptions" WHERE "user_id" = $1 ORDER BY "source_updated_at" DESC LIMIT 1`,
      [userId],
    );
    return row ? toSubscription(row) : undefined;
  }

  async upsert(
    s: Omit<Subscription, 'renewsAt' | 'endsAt' | 'cancelled'> & {
      cancelled?: boolean;
      renewsAt?: string | null;
      endsAt?: string | null;
      customerId?: string | null;
    },
    tx: Tx,
  ): Promise<void> {
    await this.query(
      `INSERT INTO "subscriptions" ("id", "user_id", "plan_id", "status", "variant_id", "customer_id", "renews_at", "ends_at", "source_updated_at", "cancelled")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ("id") DO UPDATE SET "plan_id" = $3, "status" = $4, "variant_id" = $5, "customer_id" = $6,
         "renews_at" = $7, "ends_at" = $8, "source_updated_at" = $9, "cancelled" = $10, "updated_at" = now()`,
      [
        s.id,
        s.userId,
        s.planId,
        s.status,
        s.variantId,
        s.customerId ?? null,
        s.renewsAt ?? null,
        s.endsAt ?? null,
        s.sourceUpdatedAt,
        s.cancelled ?? s.status === 'cancelled',
      ],
      tx,
    );
  }

  /** Erasure: the ids of the user's subscriptions, locked until `tx` ends. */
  async idsOfForUpdate(userId: string, tx: Tx): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT "id" FROM "subscriptions" WHERE "user_id" = $1 FOR UPDATE`,
      [userId],
      tx,
    );
    return rows.map((r) => r.id);
  }

  /** Erasure: the user's subscriptions pass to `anonymous` and lose the customer id. */
  async anonymise(userId: string, anonymous: string, tx: Tx): Promise<void> {
    await this.query(
      `UPDATE "subscriptions" SET "user_id" = $2, "customer_id" = NULL, "updated_at" = now()
        WHERE "user_id" = $1`,
      [userId, anonymous],
      tx,
    );
  }
}
