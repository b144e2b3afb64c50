import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email change and data export (DESIGN §16): a mailed token may also confirm a new address
 * (kept beside it until it is proven), and each export a user asked for is a row whose zip the
 * system worker builds and whose signed link user-service answers.
 */
export class EmailChangeAndExports1796100000000 implements MigrationInterface {
  name = 'EmailChangeAndExports1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "email_tokens" DROP CONSTRAINT IF EXISTS "email_tokens_purpose_check"`,
    );
    await runner.query(`
      ALTER TABLE "email_tokens"
        ADD CONSTRAINT "email_tokens_purpose_check"
          CHECK ("purpose" IN ('verify-email', 'password-reset', 'email-change'))`);
    await runner.query(`
      ALTER TABLE "email_tokens" ADD COLUMN "new_email" text
        CONSTRAINT "email_tokens_new_email"
          CHECK (("purpose" = 'email-change') = ("new_email" IS NOT NULL)
                 AND ("new_email" IS NULL OR "new_email" = lower(btrim("new_email"))))`);
    await runner.query(`
      CREATE TABLE "exports" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "status" text NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'ready')),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "ready_at" timestamptz,
        "expires_at" timestamptz
      )`);
    await runner.query(`CREATE INDEX "exports_user" ON "exports" ("user_id", "created_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "exports"`);
    await runner.query(`DELETE FROM "email_tokens" WHERE "purpose" = 'email-change'`);
    await runner.query(`ALTER TABLE "email_tokens" DROP COLUMN "new_email"`);
    await runner.query(
      `ALTER TABLE "email_tokens" DROP CONSTRAINT IF EXISTS "email_tokens_purpose_check"`,
    );
    await runner.query(`
      ALTER TABLE "email_tokens"
        ADD CONSTRAINT "email_tokens_purpose_check" CHECK ("purpose" IN ('verify-email', 'password-reset'))`);
  }
}
