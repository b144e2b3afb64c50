import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Env } from '@pingvas/common';

/** Where e2e tests find PostgreSQL and Redis (the machine's own, as CI starts them). */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pingvas_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/2';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A port nothing listens on right now. */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface TestEnvOptions {
  schema: string;
  redisUrl?: string;
  /** Share one namespace between the services of one test so they can call each other. */
  namespace: string;
  port?: number;
  extra?: Env;
}

/** The environment of one process under test: isolated schema, RPC namespace and queue prefix. */
export function testEnv(options: TestEnvOptions): Env {
  return {
    APP_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: TEST_DATABASE_URL,
    DB_SCHEMA: options.schema,
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    RPC_NAMESPACE: options.namespace,
    QUEUE_PREFIX: options.namespace,
    PORT: String(options.port ?? 0),
    ...options.extra,
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`,
  );
}
