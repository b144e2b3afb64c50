import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueueNames } from '@pingvas/contracts';
import { SqlRepository } from '@pingvas/database';
import { outboxTable } from '@pingvas/messaging';
import { mailId } from '../billing/billing-mail';
import { PERSONAL_ATTRIBUTES } from '../billing/webhooks.service';

/**
 * Erasure (DESIGN §16): what payment-service holds of a user is handed, in one transaction,
 * to a fresh random id that names nobody. The ledger and the balance stay (accounting keeps
 * them) and still sum up; webhook events lose the address and name Lemon Squeezy sent; the
 * billing mail queued for them goes. A second run finds nothing of the user and changes nothing.
 */
@Injectable()
export class ErasureRepository extends SqlRepository {
  /** The anonymous id the user's rows now carry, or undefined when nothing named them. */
  async anonymise(userId: string): Promise<string | undefined> {
    const anonymous = randomUUID();
    return this.transaction(async (tx) => {
      const [account] = await this.query(
        `SELECT 1 FROM "credit_accounts" WHERE "user_id" = $1 FOR UPDATE`,
        [userId],
        tx,
      );
      const subscriptionIds = (
        await this.query<{ id: string }>(
          `SELECT "id" FROM "subscriptions" WHERE "user_id" = $1 FOR UPDATE`,
          [userId],
          tx,
        )
      ).map((r) => r.id);
      const events = await this.query<{ id: string; data_id: string | null; email: string | null }>(
        `SELECT "id", "payload"->'data'->>'id' AS data_id,
                "payload"->'data'->'attributes'->>'user_email' AS email
           FROM "webhook_events"
          WHERE strpos("payload"::text, $1) > 0
             OR ("payload"->'data'->>'type' = 'subscriptions' AND "payload"->'data'->>'id' = ANY($2))
             OR "payload"->'data'->'attributes'->>'subscription_id' = ANY($2)
          FOR UPDATE`,
        [userId, subscriptionIds],
        tx,
      );
      let changed = Boolean(account) || subscriptionIds.length > 0 || events.length > 0;
      if (account) {
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
      if (account) {
        await this.query(`DELETE FROM "credit_accounts" WHERE "user_id" = $1`, [userId], tx);
      }
      const reservations = await this.modify(
        `UPDATE "credit_reservations" SET "user_id" = $2 WHERE "user_id" = $1`,
        [userId, anonymous],
        tx,
      );
      await this.query(
        `UPDATE "subscriptions" SET "user_id" = $2, "customer_id" = NULL, "updated_at" = now()
          WHERE "user_id" = $1`,
        [userId, anonymous],
        tx,
      );
      if (events.length > 0) {
        const scrubbed = PERSONAL_ATTRIBUTES.map((a) => `#- '{data,attributes,${a}}'`).join(' ');
        await this.query(
          `UPDATE "webhook_events" SET "payload" = replace("payload"::text, $2, $3)::jsonb ${scrubbed}
            WHERE "id" = ANY($1)`,
          [events.map((e) => e.id), userId, anonymous],
          tx,
        );
        // The receipts and dunning mail of those events, and anything else queued to that address.
        const jobIds = events
          .filter((e) => e.data_id)
          .flatMap((e) => [
            mailId('receipt', e.data_id!),
            mailId('receipt', 'invoice', e.data_id!),
            mailId('payment-failed', e.data_id!),
          ]);
        const emails = [...new Set(events.map((e) => e.email).filter((e): e is string => !!e))];
        await this.query(
          `DELETE FROM "${outboxTable('payment')}" WHERE "queue" = $1
             AND ("job_id" = ANY($2) OR "payload"->>'to' = ANY($3))`,
          [QueueNames.systemEmail, jobIds, emails],
          tx,
        );
      }
      changed ||= ledger.count > 0 || reservations.count > 0;
      return changed ? anonymous : undefined;
    });
  }
}
