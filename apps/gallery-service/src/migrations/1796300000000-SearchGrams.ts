import { createIndexOnline } from '@pingvas/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rows per backfill statement: each commits on its own, so locks and WAL stay small. */
const BACKFILL_BATCH = 5000;

/**
 * The PostgreSQL search's n-gram column (issue 18): every character and every pair of
 * adjacent characters (none holding a space) of lower(prompt) and lower(prompt_chosung), as a
 * text[] under a GIN index led by the owner. pg_trgm extracts no trigram from a one- or
 * two-character LIKE string ('%정원%', '%ㄷㄷ%'), so those searches read every image of the
 * owner; a word's bigrams (its one character when it has one) are a necessary condition the
 * index answers, and the ILIKE beside it stays the exact rule.
 *
 * A trigger fills the column on every insert and prompt change, so the ingest (and any other
 * writer) keeps it without knowing about it. For a big table this runs outside a transaction
 * (`transaction = false`): the column is added without a rewrite, existing rows are filled in
 * batches by primary key (each batch its own statement, committed alone), and the index is
 * built CONCURRENTLY when the table has rows (writes go on meanwhile); an empty table (a new
 * schema) gets a plain CREATE INDEX, which waits for no other transaction. Every step can be
 * run again: a failed CONCURRENTLY build leaves an invalid index, which the rerun drops first.
 */
export class SearchGrams1796300000000 implements MigrationInterface {
  name = 'SearchGrams1796300000000';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "images" ADD COLUMN IF NOT EXISTS "search_grams" text[]`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION "images_search_grams"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW."search_grams" := ARRAY(
          SELECT DISTINCT g
          FROM unnest(ARRAY[lower(NEW."prompt"), lower(NEW."prompt_chosung")]) AS s(t),
               generate_series(1, char_length(s.t)) AS i,
               LATERAL (VALUES (substr(s.t, i, 1)), (substr(s.t, i, 2))) AS x(g)
          WHERE position(' ' IN g) = 0);
        RETURN NEW;
      END $$`);
    await runner.query(`DROP TRIGGER IF EXISTS "images_search_grams" ON "images"`);
    await runner.query(
      `CREATE TRIGGER "images_search_grams" BEFORE INSERT OR UPDATE OF "prompt", "prompt_chosung"
       ON "images" FOR EACH ROW EXECUTE FUNCTION "images_search_grams"()`,
    );
    let last = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string }[] = await runner.query(
        `WITH batch AS (
           SELECT "id" FROM "images" WHERE "id" > $1 ORDER BY "id" LIMIT ${BACKFILL_BATCH}
         ), done AS (
           UPDATE "images" i SET "prompt" = i."prompt" FROM batch
           WHERE i."id" = batch."id" AND i."search_grams" IS NULL
         )
         SELECT "id" FROM batch ORDER BY "id" DESC LIMIT 1`,
        [last],
      );
      if (!rows[0]?.id) break;
      last = rows[0].id;
    }
    await createIndexOnline(
      runner,
      'images',
      'images_search_grams',
      `USING gin ("owner_id", "search_grams") WHERE "deleted_at" IS NULL`,
    );
    // Suggest's "starts with" for 초성 prefixes, as images_prompt_prefix is for the prompt.
    await createIndexOnline(
      runner,
      'images',
      'images_chosung_prefix',
      `("owner_id", "prompt_chosung" text_pattern_ops) WHERE "deleted_at" IS NULL`,
    );
    await runner.query(`ANALYZE "images"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS "images_chosung_prefix"`);
    await runner.query(`DROP INDEX IF EXISTS "images_search_grams"`);
    await runner.query(`DROP TRIGGER IF EXISTS "images_search_grams" ON "images"`);
    await runner.query(`DROP FUNCTION IF EXISTS "images_search_grams"()`);
    await runner.query(`ALTER TABLE "images" DROP COLUMN IF EXISTS "search_grams"`);
  }
}
