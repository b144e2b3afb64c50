import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plans and packs (seeded here: rows, not code), credit accounts whose balances can never go
 * negative, the append-only ledger they are the sum of, reservations, subscriptions and the
 * Lemon Squeezy events received.
 */
export class CreateCredits1795400000000 implements MigrationInterface {
  name = 'CreateCredits1795400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "plans" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL,
        "tier" text NOT NULL UNIQUE CHECK ("tier" IN ('free', 'starter', 'pro', 'studio', 'enterprise')),
        "monthly_credits" integer NOT NULL CHECK ("monthly_credits" >= 0),
        "queue_weight" integer NOT NULL CHECK ("queue_weight" > 0),
        "max_jobs_in_flight" integer NOT NULL CHECK ("max_jobs_in_flight" > 0),
        "max_side" integer NOT NULL CHECK ("max_side" >= 64),
        "max_images_per_generation" integer NOT NULL CHECK ("max_images_per_generation" > 0),
        "price_cents" integer NOT NULL CHECK ("price_cents" >= 0),
        "sort" integer NOT NULL
      )`);
    await runner.query(`
      INSERT INTO "plans" VALUES
        ('free',       'Free',       'free',          100,  1,  1,  512, 1,     0, 1),
        ('starter',    'Starter',    'starter',      1000,  2,  2,  768, 2,   900, 2),
        ('pro',        'Pro',        'pro',          3000,  4,  4, 1024, 4,  2400, 3),
        ('studio',     'Studio',     'studio',       8000,  8,  8, 1536, 4,  5900, 4),
        ('enterprise', 'Enterprise', 'enterprise',  25000, 16, 16, 2048, 8, 14900, 5)`);
    await runner.query(`
      CREATE TABLE "credit_packs" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL,
        "credits" integer NOT NULL CHECK ("credits" > 0),
        "price_cents" integer NOT NULL CHECK ("price_cents" >= 0)
      )`);
    await runner.query(`
      INSERT INTO "credit_packs" VALUES
        ('pack-500', '500 credits', 500, 500),
        ('pack-2500', '2,500 credits', 2500, 2000)`);
    await runner.query(`
      CREATE TABLE "credit_accounts" (
        "user_id" uuid PRIMARY KEY,
        "plan_id" text NOT NULL REFERENCES "plans" ("id"),
        "available" integer NOT NULL CHECK ("available" >= 0),
        "reserved" integer NOT NULL CHECK ("reserved" >= 0),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "credit_ledger" (
        "id" bigserial PRIMARY KEY,
        "user_id" uuid NOT NULL REFERENCES "credit_accounts" ("user_id"),
        "kind" text NOT NULL,
        "available_delta" integer NOT NULL,
        "reserved_delta" integer NOT NULL,
        "reference" text,
        "reason" text,
        "idempotency_key" text UNIQUE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CHECK ("available_delta" <> 0 OR "reserved_delta" <> 0 OR "kind" = 'open')
      )`);
    await runner.query(
      `CREATE INDEX "credit_ledger_user" ON "credit_ledger" ("user_id", "id" DESC)`,
    );
    // Append-only: the ledger is the audit trail the balances are checked against.
    await runner.query(`
      CREATE FUNCTION "credit_ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'credit_ledger is append-only'; END $$`);
    await runner.query(`
      CREATE TRIGGER "credit_ledger_append_only" BEFORE UPDATE OR DELETE ON "credit_ledger"
      FOR EACH ROW EXECUTE FUNCTION "credit_ledger_append_only"()`);
    await runner.query(`
      CREATE TABLE "credit_reservations" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL,
        "amount" integer NOT NULL CHECK ("amount" > 0),
        "reason" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('held', 'refused', 'captured', 'released', 'expired')),
        "answer" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "settled_at" timestamptz
      )`);
    await runner.query(
      `CREATE INDEX "credit_reservations_held" ON "credit_reservations" ("expires_at") WHERE "status" = 'held'`,
    );
    await runner.query(`
      CREATE TABLE "subscriptions" (
        "id" text PRIMARY KEY,
        "user_id" uuid NOT NULL,
        "plan_id" text NOT NULL REFERENCES "plans" ("id"),
        "status" text NOT NULL,
        "variant_id" text NOT NULL,
        "customer_id" text,
        "renews_at" timestamptz,
        "ends_at" timestamptz,
        "source_updated_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX "subscriptions_user" ON "subscriptions" ("user_id", "source_updated_at" DESC)`,
    );
    await runner.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid PRIMARY KEY,
        "provider" text NOT NULL,
        "event_name" text NOT NULL,
        "body_sha256" text NOT NULL,
        "payload" jsonb NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "outcome" text NOT NULL,
        CONSTRAINT "webhook_events_once" UNIQUE ("provider", "body_sha256")
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['webhook_events', 'subscriptions', 'credit_reservations']) {
      await runner.query(`DROP TABLE "${table}"`);
    }
    await runner.query(`DROP TABLE "credit_ledger"`);
    await runner.query(`DROP FUNCTION "credit_ledger_append_only"()`);
    for (const table of ['credit_accounts', 'credit_packs', 'plans']) {
      await runner.query(`DROP TABLE "${table}"`);
    }
  }
}
