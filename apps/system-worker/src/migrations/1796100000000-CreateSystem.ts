import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The system worker's records (DESIGN §16): each mail it sent, by the SHA-256 of the producer's
 * message id, so a retried job or a repeated producer sends it once. No address is kept, nor the
 * id itself: some name their user (`account-deleted-<userId>`, sent as the account goes), and no
 * table may name a deleted user. And each export zip it wrote, so the user's erasure can remove
 * them.
 */
export class CreateSystem1796100000000 implements MigrationInterface {
  name = 'CreateSystem1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "sent_emails" (
        "message_key" text PRIMARY KEY CHECK ("message_key" ~ '^[0-9a-f]{64}$'),
        "template" text NOT NULL,
        "sent_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "sent_emails_sent_at" ON "sent_emails" ("sent_at")`);
    await runner.query(`
      CREATE TABLE "export_files" (
        "export_id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL,
        "blob_key" text NOT NULL,
        "bytes" bigint NOT NULL,
        "written_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "export_files_user" ON "export_files" ("user_id")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "export_files"`);
    await runner.query(`DROP TABLE "sent_emails"`);
  }
}
