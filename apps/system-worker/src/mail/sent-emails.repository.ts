import { Injectable } from '@nestjs/common';
import type { EmailTemplate } from '@pingvas/contracts';
import { SqlRepository, type Tx } from '@pingvas/database';

/** Mail already sent, by message id: the send-once record (no address, no content). */
@Injectable()
export class SentEmailsRepository extends SqlRepository {
  /**
   * Holds the message id until `tx` ends: a second attempt at the same message (a stalled job
   * taken again, the same message queued under another job id) waits here, then sees it sent.
   */
  async lock(tx: Tx, messageId: string): Promise<void> {
    await this.query(
      `SELECT pg_advisory_xact_lock(hashtext('sent_emails'), hashtext($1))`,
      [messageId],
      tx,
    );
  }

  async wasSent(tx: Tx, messageId: string): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM "sent_emails" WHERE "message_id" = $1`,
      [messageId],
      tx,
    );
    return rows.length > 0;
  }

  async record(tx: Tx, messageId: string, template: EmailTemplate): Promise<void> {
    await this.query(
      `INSERT INTO "sent_emails" ("message_id", "template") VALUES ($1, $2)
       ON CONFLICT ("message_id") DO NOTHING`,
      [messageId, template],
      tx,
    );
  }

  /** Drops the records of mail sent before `before`; resolves with how many. */
  async prune(before: Date): Promise<number> {
    const { count } = await this.modify(`DELETE FROM "sent_emails" WHERE "sent_at" < $1`, [before]);
    return count;
  }
}
