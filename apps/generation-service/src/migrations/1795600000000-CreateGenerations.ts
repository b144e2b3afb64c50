import { createOutboxTable, dropOutboxTable } from '@pingvas/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generations and their images. `settlement` is what is still owed to payment-service for the
 * credits held under the generation's id ('capture' or 'release' until `settled_at` is set),
 * so a settlement that failed is retried until it lands, and only that one is ever sent.
 */
export class CreateGenerations1795600000000 implements MigrationInterface {
  name = 'CreateGenerations1795600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "generations" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL,
        "status" text NOT NULL
          CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'rejected')),
        "prompt" text NOT NULL,
        "negative_prompt" text,
        "model_id" text NOT NULL,
        "model_name" text NOT NULL,
        "model_path" text NOT NULL,
        "board_id" uuid,
        "params" jsonb NOT NULL,
        "tier" text NOT NULL,
        "queue" text NOT NULL,
        "cost" integer NOT NULL CHECK ("cost" >= 0),
        "idempotency_key" text,
        "request_hash" text,
        "attempts" integer NOT NULL DEFAULT 0,
        "steps_done" integer NOT NULL DEFAULT 0,
        "provider" text,
        "error_code" text,
        "error_message" text,
        "settlement" text CHECK ("settlement" IN ('capture', 'release')),
        "settled_at" timestamptz,
        "settlement_outcome" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX "generations_idempotency" ON "generations" ("user_id", "idempotency_key")
       WHERE "idempotency_key" IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX "generations_user_created" ON "generations" ("user_id", "created_at" DESC, "id" DESC)`,
    );
    await runner.query(
      `CREATE INDEX "generations_in_flight" ON "generations" ("status", "updated_at")
       WHERE "status" IN ('queued', 'running')`,
    );
    await runner.query(
      `CREATE INDEX "generations_unsettled" ON "generations" ("updated_at")
       WHERE "settlement" IS NOT NULL AND "settled_at" IS NULL`,
    );
    await runner.query(`
      CREATE TABLE "generation_images" (
        "id" uuid PRIMARY KEY,
        "generation_id" uuid NOT NULL REFERENCES "generations" ("id") ON DELETE CASCADE,
        "index" integer NOT NULL CHECK ("index" >= 0),
        "width" integer NOT NULL,
        "height" integer NOT NULL,
        "seed" bigint NOT NULL,
        "storage_key" text NOT NULL,
        "bytes" integer NOT NULL,
        UNIQUE ("generation_id", "index")
      )`);
    await createOutboxTable(runner, 'generation');
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxTable(runner, 'generation');
    await runner.query(`DROP TABLE "generation_images"`);
    await runner.query(`DROP TABLE "generations"`);
  }
}
