import type { ServiceKey } from '@pingvas/contracts';
import { EntitySchema, type QueryRunner } from 'typeorm';

/** A job to put on a BullMQ queue, written in the same transaction as the change it announces. */
export interface OutboxRecord {
  id: string;
  queue: string;
  name: string;
  jobId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export const OUTBOX_ENTITY = 'OutboxRecord';

export function outboxTable(service: ServiceKey): string {
  return `outbox_${service}`;
}

/** The outbox table of one service (`outbox_<service>`: services share a schema, not tables). */
export function outboxEntity(service: ServiceKey): EntitySchema<OutboxRecord> {
  return new EntitySchema<OutboxRecord>({
    name: OUTBOX_ENTITY,
    tableName: outboxTable(service),
    columns: {
      id: { type: 'uuid', primary: true },
      queue: { type: 'text' },
      name: { type: 'text' },
      jobId: { name: 'job_id', type: 'text' },
      payload: { type: 'jsonb' },
      createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
      publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
      attempts: { type: 'int', default: 0 },
      lastError: { name: 'last_error', type: 'text', nullable: true },
    },
  });
}

/** For a service's migration: the outbox table and its index of unpublished rows. */
export async function createOutboxTable(runner: QueryRunner, service: ServiceKey): Promise<void> {
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

export async function dropOutboxTable(runner: QueryRunner, service: ServiceKey): Promise<void> {
  await runner.query(`DROP TABLE "${outboxTable(service)}"`);
}
