import { Injectable } from '@nestjs/common';
import type { CreditsReserveResponse } from '@pingvas/contracts';
import { SqlRepository, type Tx } from '@pingvas/database';

/** How a reservation was settled; `held` until then, `refused` when credits were short. */
export type Settlement = 'captured' | 'released' | 'expired';
export type ReservationStatus = 'held' | 'refused' | Settlement;

/** The answer a refused reserve gave, kept so that asking again answers the same. */
export interface Refusal {
  refused: true;
  available: number;
  needed: number;
}

export type ReserveAnswer = CreditsReserveResponse | Refusal;

export interface NewReservation {
  id: string;
  userId: string;
  amount: number;
  reason: string;
  holdMinutes: number;
}

export interface Reservation {
  userId: string;
  amount: number;
  status: ReservationStatus;
  /** The first answer (empty until the reserve that made it has answered). */
  answer: ReserveAnswer;
}

interface ReservationRow {
  user_id: string;
  amount: number;
  status: ReservationStatus;
  answer: ReserveAnswer;
}

/**
 * `credit_reservations`: one row per reservation id (the generation id), so a repeated
 * reserve finds the first and a settlement moves a held row exactly once.
 */
@Injectable()
export class ReservationsRepository extends SqlRepository {
  /** Inserts the held reservation; false when this id was already used. */
  async insert(r: NewReservation, tx: Tx): Promise<boolean> {
    const inserted = await this.query(
      `INSERT INTO "credit_reservations" ("id", "user_id", "amount", "reason", "status", "answer", "expires_at")
       VALUES ($1, $2, $3, $4, 'held', '{}', now() + make_interval(mins => $5))
       ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
      [r.id, r.userId, r.amount, r.reason, r.holdMinutes],
      tx,
    );
    return inserted.length === 1;
  }

  async find(id: string, tx: Tx): Promise<Reservation | undefined> {
    const [row] = await this.query<ReservationRow>(
      `SELECT "user_id", "amount", "status", "answer" FROM "credit_reservations" WHERE "id" = $1`,
      [id],
      tx,
    );
    return row
      ? { userId: row.user_id, amount: row.amount, status: row.status, answer: row.answer }
      : undefined;
  }

  /** Keeps the answer of the reserve; a refusal also marks the reservation refused. */
  async answer(id: string, answer: ReserveAnswer, tx: Tx): Promise<void> {
    await this.query(
      'refused' in answer
        ? `UPDATE "credit_reservations" SET "status" = 'refused', "answer" = $2 WHERE "id" = $1`
        : `UPDATE "credit_reservations" SET "answer" = $2 WHERE "id" = $1`,
      [id, JSON.stringify(answer)],
      tx,
    );
  }

  /** Settles a held reservation; who held how much, or undefined when it was not held. */
  async settle(
    id: string,
    to: Settlement,
    tx: Tx,
  ): Promise<{ userId: string; amount: number } | undefined> {
    const { rows } = await this.modify<Pick<ReservationRow, 'user_id' | 'amount'>>(
      `UPDATE "credit_reservations" SET "status" = $2, "settled_at" = now()
       WHERE "id" = $1 AND "status" = 'held' RETURNING "user_id", "amount"`,
      [id, to],
      tx,
    );
    const [row] = rows;
    return row ? { userId: row.user_id, amount: row.amount } : undefined;
  }

  /** Ids of held reservations past their expiry, the oldest first. */
  async due(limit: number): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT "id" FROM "credit_reservations" WHERE "status" = 'held' AND "expires_at" <= now() ORDER BY "expires_at" LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** Erasure: the user's reservations pass to `anonymous`; how many there were. */
  async reassign(userId: string, anonymous: string, tx: Tx): Promise<number> {
    const { count } = await this.modify(
      `UPDATE "credit_reservations" SET "user_id" = $2 WHERE "user_id" = $1`,
      [userId, anonymous],
      tx,
    );
    return count;
  }
}
