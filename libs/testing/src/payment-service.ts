import type { Env } from '@pingvas/common';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { Client } from 'pg';
import { loadPaymentServiceConfig } from '../../../apps/payment-service/src/config';
import { PAYMENT_DATABASE } from '../../../apps/payment-service/src/database';
import { PaymentServiceModule } from '../../../apps/payment-service/src/payment-service.module';
import { bootService, type RunningApp } from './boot';
import { TEST_DATABASE_URL, testEnv } from './infra';

export interface PaymentServiceUnderTest extends RunningApp {
  schema: TestSchema;
  /** Runs SQL in the service's schema (to arrange or inspect state). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function bootPaymentService(
  namespace: string,
  extra: Env = {},
): Promise<PaymentServiceUnderTest> {
  const schema = await createTestSchema(TEST_DATABASE_URL, PAYMENT_DATABASE);
  const config = loadPaymentServiceConfig(testEnv({ schema: schema.schema, namespace, extra }));
  const running = await bootService(PaymentServiceModule.forRoot(config), config);
  const client = new Client({
    connectionString: TEST_DATABASE_URL,
    options: `-c search_path=${schema.schema}`,
  });
  await client.connect();
  return {
    ...running,
    schema,
    sql: async <T>(text: string, params: unknown[] = []) =>
      (await client.query(text, params)).rows as T[],
    stop: async () => {
      await running.close();
      await client.end();
      await schema.drop();
    },
  };
}

/** The invariant of the credit ledger: for every account, its rows sum to its balance. */
export async function ledgerMismatches(
  svc: Pick<PaymentServiceUnderTest, 'sql'>,
): Promise<unknown[]> {
  return svc.sql(`
    SELECT a."user_id", a."available", a."reserved", l."available" AS ledger_available, l."reserved" AS ledger_reserved
    FROM "credit_accounts" a
    LEFT JOIN (SELECT "user_id", sum("available_delta")::int AS available, sum("reserved_delta")::int AS reserved
               FROM "credit_ledger" GROUP BY "user_id") l USING ("user_id")
    WHERE a."available" IS DISTINCT FROM l."available" OR a."reserved" IS DISTINCT FROM l."reserved"`);
}
