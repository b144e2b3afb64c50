import type { DatabaseOwner } from '@pingvas/database';
import type { QueryRunner } from 'typeorm';

/** One service's outbox table (`outbox_<service>`: services share a schema, not tables). */
export function outboxTable(service: DatabaseOwner): string {
  return `outbox_${service}`;
}

/** For a service's migration: the outbox table and its index of unpublished rows. */
export async function createOutboxTable(
  runner: QueryRunner,
  service: DatabaseOwner,
): Promise<void> {
  const table = outboxTable(service);
  await runner.query(`
    CREATE TABLE "${table}" (
      "id" uuid PRIMARY KEY,
      "queue" text NOT NULL,
      "name" text NOT NULL,
      "job_id" text NOT NULL,
      "payload" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz,
      "attempts" integer NOT NULL DEFAULT 0,
      "last_error" text
    )`);
  await runner.query(
    `CREATE INDEX "${table}_unpublished" ON "${table}" ("created_at") WHERE "published_at" IS NULL`,
  );
}

export async function dropOutboxTable(runner: QueryRunner, service: DatabaseOwner): Promise<void> {
  await runner.query(`DROP TABLE "${outboxTable(service)}"`);
}
