import { createOutboxTable, dropOutboxTable } from '@pingvas/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Boards and images, and the PostgreSQL search indexes (DESIGN §8): trigram GIN indexes over the
 * prompt and its initial-consonant (초성) form, led by the owner (btree_gin) since every search
 * is one user's, and a prefix index for suggestions. The extensions live in `public` (shared by
 * every schema of the database), so objects are referred to as public.*.
 */
export class CreateGallery1795700000000 implements MigrationInterface {
  name = 'CreateGallery1795700000000';

  async up(runner: QueryRunner): Promise<void> {
    // Two schemas migrating at once would race to create the extension: one at a time.
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext('pingvas:create-extensions'))`);
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await runner.query(`CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public`);
    await runner.query(`
      CREATE TABLE "boards" (
        "id" uuid PRIMARY KEY,
        "owner_id" uuid NOT NULL,
        "name" text NOT NULL CHECK (char_length("name") BETWEEN 1 AND 100),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX "boards_owner_name" ON "boards" ("owner_id", lower("name"))`,
    );
    await runner.query(`
      CREATE TABLE "images" (
        "id" uuid PRIMARY KEY,
        "owner_id" uuid NOT NULL,
        "generation_id" uuid NOT NULL,
        "index" integer NOT NULL CHECK ("index" >= 0),
        "model_id" text NOT NULL,
        "model_name" text NOT NULL,
        "prompt" text NOT NULL,
        "prompt_chosung" text NOT NULL,
        "negative_prompt" text,
        "seed" bigint NOT NULL,
        "width" integer NOT NULL,
        "height" integer NOT NULL,
        "steps" integer NOT NULL,
        "guidance_scale" real NOT NULL,
        "storage_key" text NOT NULL,
        "thumbnail_key" text,
        "bytes" integer NOT NULL,
        "board_id" uuid REFERENCES "boards" ("id") ON DELETE SET NULL,
        "starred" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz,
        "files_removed_at" timestamptz,
        UNIQUE ("generation_id", "index")
      )`);
    await runner.query(
      `CREATE INDEX "images_owner_created" ON "images" ("owner_id", "created_at" DESC, "id" DESC)
       WHERE "deleted_at" IS NULL`,
    );
    await runner.query(
      `CREATE INDEX "images_board" ON "images" ("board_id", "created_at" DESC) WHERE "deleted_at" IS NULL`,
    );
    await runner.query(
      `CREATE INDEX "images_prompt_trgm" ON "images"
       USING gin ("owner_id", "prompt" public.gin_trgm_ops) WHERE "deleted_at" IS NULL`,
    );
    await runner.query(
      `CREATE INDEX "images_chosung_trgm" ON "images"
       USING gin ("owner_id", "prompt_chosung" public.gin_trgm_ops) WHERE "deleted_at" IS NULL`,
    );
    await runner.query(
      `CREATE INDEX "images_prompt_prefix" ON "images" ("owner_id", lower("prompt") text_pattern_ops)
       WHERE "deleted_at" IS NULL`,
    );
    // Deleted images stay as tombstones (a replayed ingest cannot bring them back); their
    // files wait here until the cleanup job has removed them.
    await runner.query(
      `CREATE INDEX "images_files_to_remove" ON "images" ("deleted_at")
       WHERE "deleted_at" IS NOT NULL AND "files_removed_at" IS NULL`,
    );
    await createOutboxTable(runner, 'gallery');
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxTable(runner, 'gallery');
    await runner.query(`DROP TABLE "images"`);
    await runner.query(`DROP TABLE "boards"`);
  }
}
