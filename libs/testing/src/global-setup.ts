import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { ensureDatabase } from '../../database/src/schema-admin';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './infra';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Once per e2e run (every project shares the same parent process): check that PostgreSQL and
 * Redis answer, with a message that says how to start them, build the apps that system tests
 * run as real processes, and make the tiny model package if it is missing.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.PINGVAS_E2E_SETUP_DONE === '1') return;
  try {
    await ensureDatabase(TEST_DATABASE_URL);
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.end();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${String(err)}). Start it (README: Prerequisites).`,
    );
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${TEST_REDIS_URL} (${String(err)}). Start it (README: Prerequisites).`,
    );
  } finally {
    redis.disconnect();
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  // Services and the worker under test find the bundled model at models/tiny-sd, made once here.
  execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'make-tiny-model.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  process.env.PINGVAS_E2E_SETUP_DONE = '1';
}
