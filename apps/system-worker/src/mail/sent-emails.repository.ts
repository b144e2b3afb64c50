import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EmailTemplate } from '@pingvas/contracts';
import { SqlRepository, type Tx } from '@pingvas/database';

/**
 * The key a message is recorded under: the SHA-256 of its id, so the table names nobody even
 * when the id does (`account-deleted-<userId>`).
 */
export const messageKey = (messageId: string) =>
  createHash('sha256').update(messageId, 'utf8').digest('hex');

/** Mail already sent, by message key: the send-once record (no address, no content, no id). */
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
      `SELECT 1 FROM "sent_emails" WHERE "message_key" = $1`,
      [messageKey(messageId)],
      tx,
    );
    return rows.length > 0;
  }

  async record(tx: Tx, messageId: string, template: EmailTemplate): Promise<void> {
    await this.query(
      `INSERT INTO "sent_emails" ("message_key", "template") VALUES ($1, $2)
       ON CONFLICT ("message_key") DO NOTHING`,
      [messageKey(messageId), template],
      tx,
    );
  }

  /** Drops the records of mail sent before `before`; resolves with how many. */
  async prune(before: Date): Promise<number> {
    const { count } = await this.modify(`DELETE FROM "sent_emails" WHERE "sent_at" < $1`, [before]);
    return count;
  }
}
