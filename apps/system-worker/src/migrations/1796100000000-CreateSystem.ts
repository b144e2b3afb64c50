import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The system worker's records (DESIGN §16): each mail it sent, by the producer's message id,
 * so a retried job or a repeated producer sends it once (no address is kept: the id, the
 * template and when), and each export zip it wrote, so the user's erasure can remove them.
 */
export class CreateSystem1796100000000 implements MigrationInterface {
  name = 'CreateSystem1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "sent_emails" (
        "message_id" text PRIMARY KEY,
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
