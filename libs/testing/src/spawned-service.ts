import type { Env } from '@pingvas/common';
import { createTestSchema, type ServiceDatabase, type TestSchema } from '@pingvas/database';
import { Client } from 'pg';
import request from 'supertest';
import { type SpawnedProcess, spawnBuilt } from './boot';
import { eventually } from './infra';

export interface SpawnedService {
  name: string;
  proc: SpawnedProcess;
  url: string;
  schema: TestSchema;
  /** Neither exited nor killed. */
  alive(): boolean;
  /** Runs SQL in the service's schema, on a connection of its own (opened per call). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * One of the five services built (`dist/`) and run as a real process, on a freshly migrated
 * schema of `databaseUrl`, up once `/health` answers: for tests that watch a process live
 * through a fault (a process that dies is seen as dead, not as a failed test run).
 */
export async function spawnService(
  name: string,
  db: ServiceDatabase,
  options: { databaseUrl: string; port: number; env: Env },
): Promise<SpawnedService> {
  const schema = await createTestSchema(options.databaseUrl, db);
  const proc = spawnBuilt(`apps/${name}/src/main.js`, {
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    DB_SCHEMA: schema.schema,
    PORT: String(options.port),
  });
  const url = `http://127.0.0.1:${options.port}`;
  const alive = () => proc.child.exitCode === null && proc.child.signalCode === null;
  const up = await eventually(
    async () => {
      if (!alive()) return 'exited';
      return (await request(url).get('/health')).status === 200 ? 'up' : undefined;
    },
    // Generous: several services booting at once on a machine busy with other test files.
    90_000,
    `${name} answering /health`,
  );
  if (up === 'exited') throw new Error(`${name} exited at boot:\n${proc.stderr.join('\n')}`);
  return {
    name,
    proc,
    url,
    schema,
    alive,
    async sql<T>(text: string, params: unknown[] = []) {
      const client = new Client({
        connectionString: options.databaseUrl,
        options: `-c search_path=${schema.schema}`,
      });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
  };
}
