import type { DynamicModule } from '@nestjs/common';
import type { BaseConfig, Env } from '@pingvas/common';
import { createTestSchema, type ServiceDatabase, type TestSchema } from '@pingvas/database';
import { Client } from 'pg';
import { bootService, type RunningApp } from './boot';
import { TEST_DATABASE_URL, testEnv } from './infra';

/** What a test needs to boot one service: its tables, its config from env, its root module. */
export interface ServiceRecipe<C extends BaseConfig> {
  database: ServiceDatabase;
  loadConfig(env: Env): C;
  module(config: C): DynamicModule;
}

export interface ServiceOnSchema extends RunningApp {
  schema: TestSchema;
  /** Closes the service, then drops its schema. */
  stop(): Promise<void>;
}

/** One service in this process on a fresh schema, in `namespace`, with `extra` over testEnv. */
export async function bootOnTestSchema<C extends BaseConfig>(
  recipe: ServiceRecipe<C>,
  namespace: string,
  extra: Env = {},
): Promise<ServiceOnSchema> {
  const schema = await createTestSchema(TEST_DATABASE_URL, recipe.database);
  const config = recipe.loadConfig(testEnv({ schema: schema.schema, namespace, extra }));
  const running = await bootService(recipe.module(config), config);
  return {
    ...running,
    schema,
    stop: async () => {
      await running.close();
      await schema.drop();
    },
  };
}

/** Runs SQL in one schema (to arrange or inspect a service's state). */
export type SchemaSql = <T = Record<string, unknown>>(
  text: string,
  params?: unknown[],
) => Promise<T[]>;

/** One connection whose search_path is `schema`. */
export async function connectToSchema(
  schema: string,
): Promise<{ sql: SchemaSql; end(): Promise<void> }> {
  const client = new Client({
    connectionString: TEST_DATABASE_URL,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  return {
    sql: async <T>(text: string, params: unknown[] = []) =>
      (await client.query(text, params)).rows as T[],
    end: () => client.end(),
  };
}
