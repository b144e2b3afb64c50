import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import { outboxTable } from '@pingvas/messaging';

const OUTBOX = outboxTable('user');

/** An outbox row that names the user ($1) or one of their addresses ($2). */
const ABOUT_THE_USER = `"payload"->>'userId' = $1
  OR "payload"->>'to' = ANY($2::text[])
  OR "payload"->'data'->>'newEmail' = ANY($2::text[])`;

/**
 * Account deletion's SQL over user-service's tables: what must be closed after the commit
 * (sign-ins, API keys), the rows that name the user, and the outbox rows that carried the
 * user's data (`user.created` holds the email; mail jobs the address).
 */
@Injectable()
export class AccountErasureRepository extends SqlRepository {
  /** Every sign-in of the user, closed or not: an access token of any may still be alive. */
  async signInsOf(userId: string, tx: Tx): Promise<string[]> {
    const rows = await this.query<{ family_id: string }>(
      `SELECT DISTINCT "family_id" FROM "refresh_tokens" WHERE "user_id" = $1`,
      [userId],
      tx,
    );
    return rows.map((r) => r.family_id);
  }

  async activeApiKeysOf(userId: string, tx: Tx): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT "id" FROM "api_keys" WHERE "user_id" = $1 AND "revoked_at" IS NULL`,
      [userId],
      tx,
    );
    return rows.map((r) => r.id);
  }

  /** Every row of the user (the users row last, so the address can sign up again). */
  async deleteRowsOf(userId: string, tx: Tx): Promise<void> {
    for (const table of ['refresh_tokens', 'api_keys', 'email_tokens', 'exports']) {
      await this.modify(`DELETE FROM "${table}" WHERE "user_id" = $1`, [userId], tx);
    }
    await this.modify(`DELETE FROM "users" WHERE "id" = $1`, [userId], tx);
  }

  /**
   * Outbox rows about the user, published or not: what went out is in its queue already, and
   * what has not must not (a verification link of a deleted account). Rows being relayed are
   * locked by the relay; this waits for it.
   */
  async purgeOutboxOf(userId: string, addresses: readonly string[], tx: Tx): Promise<number> {
    const { count } = await this.modify(
      `DELETE FROM "${OUTBOX}" WHERE ${ABOUT_THE_USER}`,
      [userId, addresses],
      tx,
    );
    return count;
  }

  /**
   * After the deletion: removes the rows about the user that have gone out since (the
   * `user.deleted` jobs, the farewell mail); resolves with how many are still waiting.
   */
  async purgeRelayedOutboxOf(userId: string, addresses: readonly string[]): Promise<number> {
    await this.modify(
      `DELETE FROM "${OUTBOX}" WHERE "published_at" IS NOT NULL AND (${ABOUT_THE_USER})`,
      [userId, addresses],
    );
    const [row] = await this.query<{ waiting: string }>(
      `SELECT count(*) AS "waiting" FROM "${OUTBOX}" WHERE ${ABOUT_THE_USER}`,
      [userId, addresses],
    );
    return Number(row.waiting);
  }
}
