import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateModels1795500000000 implements MigrationInterface {
  name = 'CreateModels1795500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "models" (
        "id" uuid PRIMARY KEY,
        "name" text NOT NULL UNIQUE,
        "path" text NOT NULL,
        "family" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('validated', 'failed')),
        "problems" jsonb NOT NULL DEFAULT '[]',
        "hashes" jsonb NOT NULL DEFAULT '{}',
        "enabled" boolean NOT NULL DEFAULT true,
        "is_default" boolean NOT NULL DEFAULT false,
        "defaults" jsonb NOT NULL,
        "limits" jsonb NOT NULL,
        "cost" jsonb NOT NULL,
        "min_tier" text NOT NULL CHECK ("min_tier" IN ('free', 'starter', 'pro', 'studio', 'enterprise')),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one default model, and only a usable one.
    await runner.query(
      `CREATE UNIQUE INDEX "models_one_default" ON "models" ("is_default") WHERE "is_default"`,
    );
    await runner.query(
      `ALTER TABLE "models" ADD CONSTRAINT "models_default_usable" CHECK (NOT "is_default" OR ("enabled" AND "status" = 'validated'))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "models"`);
  }
}
