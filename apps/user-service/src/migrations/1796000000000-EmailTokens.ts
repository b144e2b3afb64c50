import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email verification and password reset (DESIGN §16): a user's verified time and mail locale,
 * and single-use tokens sent by mail, kept only as their SHA-256 (see auth/opaque-token.ts).
 */
export class EmailTokens1796000000000 implements MigrationInterface {
  name = 'EmailTokens1796000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamptz`);
    await runner.query(`
      ALTER TABLE "users" ADD COLUMN "locale" text NOT NULL DEFAULT 'ko'
        CONSTRAINT "users_locale_known" CHECK ("locale" IN ('ko', 'en'))`);
    await runner.query(`
      CREATE TABLE "email_tokens" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "purpose" text NOT NULL CHECK ("purpose" IN ('verify-email', 'password-reset')),
        "token_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        CONSTRAINT "email_tokens_hash_unique" UNIQUE ("token_hash")
      )`);
    await runner.query(`CREATE INDEX "email_tokens_user" ON "email_tokens" ("user_id", "purpose")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "email_tokens"`);
    await runner.query(`ALTER TABLE "users" DROP COLUMN "locale"`);
    await runner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
