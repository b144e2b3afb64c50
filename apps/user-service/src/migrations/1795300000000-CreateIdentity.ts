import { createOutboxTable, dropOutboxTable } from '@pingvas/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentity1795300000000 implements MigrationInterface {
  name = 'CreateIdentity1795300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "users" (
        "id" uuid PRIMARY KEY,
        "email" text NOT NULL,
        "password_hash" text NOT NULL,
        "display_name" text,
        "role" text NOT NULL DEFAULT 'user' CHECK ("role" IN ('user', 'admin')),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "users_email_unique" UNIQUE ("email"),
        CONSTRAINT "users_email_normalised" CHECK ("email" = lower(btrim("email")))
      )`);
    await runner.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "family_id" uuid NOT NULL,
        "token_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "rotated_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "refresh_tokens_hash_unique" UNIQUE ("token_hash")
      )`);
    await runner.query(`CREATE INDEX "refresh_tokens_family" ON "refresh_tokens" ("family_id")`);
    await runner.query(`CREATE INDEX "refresh_tokens_user" ON "refresh_tokens" ("user_id")`);
    await runner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "name" text NOT NULL,
        "prefix" text NOT NULL,
        "key_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "api_keys_hash_unique" UNIQUE ("key_hash")
      )`);
    await runner.query(`CREATE INDEX "api_keys_user" ON "api_keys" ("user_id", "created_at")`);
    await createOutboxTable(runner, 'user');
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxTable(runner, 'user');
    await runner.query(`DROP TABLE "api_keys"`);
    await runner.query(`DROP TABLE "refresh_tokens"`);
    await runner.query(`DROP TABLE "users"`);
  }
}
