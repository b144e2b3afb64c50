import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..', '..');
const PROCESSES = [
  'user-service',
  'payment-service',
  'generation-service',
  'gallery-service',
  'model-service',
  'gpu-worker',
];
const READY_MS = 120_000;
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pingvas_test';
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/2';

function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}

/**
 * Starts the suite the way `npm start` does (the built launcher, dist/scripts/start.js) on
 * spare ports with its own schema, Redis namespace and storage, and waits until the edge on
 * WEB_PORT is ready. The returned function stops it and removes what it made.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const schema = `t_web_${Date.now().toString(36)}_${process.pid}`;
  const storageDir = await mkdtemp(join(tmpdir(), 'pingvas-web-'));
  const webPort = Number(process.env.PINGVAS_WEB_PORT);
  await ensureDatabase();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: TEST_DATABASE_URL,
    DB_SCHEMA: schema,
    REDIS_URL: TEST_REDIS_URL,
    RPC_NAMESPACE: schema,
    QUEUE_PREFIX: schema,
    STORAGE_DIR: storageDir,
    NO_COLOR: '1',
    WEB_PORT: String(webPort),
    ADMIN_EMAILS: `admin-${schema}@example.com`.replace(/_/g, '-'),
    // Every test signs up from 127.0.0.1: the per-IP limits of a public site would refuse them.
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    GENERATION_RATE_LIMIT_PER_MINUTE: '10000',
  };
  for (const name of PROCESSES) {
    env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`] = String(await sparePort());
  }
  process.env.PINGVAS_ADMIN_EMAIL = env.ADMIN_EMAILS;

  const output: string[] = [];
  const launcher: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'scripts', 'start.js')],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [launcher.stdout!, launcher.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (process.env.PINGVAS_WEB_LOGS) console.log(line);
    });
  }

  const deadline = Date.now() + READY_MS;
  for (;;) {
    if (launcher.exitCode !== null)
      throw new Error(`npm start exited early:\n${output.join('\n')}`);
    const ready = await fetch(`http://127.0.0.1:${webPort}/ready`)
      .then((res) => res.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      launcher.kill('SIGKILL');
      throw new Error(
        `the edge on WEB_PORT ${webPort} was not ready in time:\n${output.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  return async () => {
    if (launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve));
      launcher.kill('SIGINT');
      const timer = setTimeout(() => launcher.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await dropSchema(schema).catch((err) => console.warn(`schema ${schema} not dropped: ${err}`));
    await rm(storageDir, { recursive: true, force: true });
  };
}
