import { createOutboxTable, dropOutboxTable } from '@pingvas/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts over their life (DESIGN §16): the outbox the receipts and dunning mail go through,
 * whether a subscription is cancelled (at period end), and erasure's one exception to the
 * ledger being append-only: a row may be handed to a fresh anonymous id (its owner, and the
 * keys and texts that named them), never its amounts, kind or time.
 */
export class AccountLifecycle1795400000001 implements MigrationInterface {
  name = 'AccountLifecycle1795400000001';

  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTable(runner, 'payment');
    await runner.query(
      `ALTER TABLE "subscriptions" ADD COLUMN "cancelled" boolean NOT NULL DEFAULT false`,
    );
    await runner.query(
      `UPDATE "subscriptions" SET "cancelled" = true WHERE "status" = 'cancelled'`,
    );
    await runner.query(`
      CREATE OR REPLACE FUNCTION "credit_ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND (to_jsonb(NEW) - 'user_id' - 'idempotency_key' - 'reference' - 'reason')
             = (to_jsonb(OLD) - 'user_id' - 'idempotency_key' - 'reference' - 'reason') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'credit_ledger is append-only';
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION "credit_ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'credit_ledger is append-only'; END $$`);
    await runner.query(`ALTER TABLE "subscriptions" DROP COLUMN "cancelled"`);
    await dropOutboxTable(runner, 'payment');
  }
}
