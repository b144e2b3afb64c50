import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

/**
 * Runs the whole suite the way `npm start` does (the built launcher, dist/scripts/start.js) on
 * spare ports, with a schema, Redis namespace, queue prefix and storage folder of its own, and
 * waits until the edge on WEB_PORT is ready. The browser tests and `npm run bench:web` use it.
 * Plain Node and pg only: Playwright loads this file from source, without the path aliases.
 */
/** The repository: the nearest folder above this file (source or built) with a package.json. */
function repositoryRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = repositoryRoot(__dirname);
const PROCESSES = [
  'user-service',
  'payment-service',
  'generation-service',
  'gallery-service',
  'model-service',
  'gpu-worker',
  'system-worker',
];
const READY_MS = 120_000;

export interface RunningSuite {
  webUrl: string;
  schema: string;
  databaseUrl: string;
  adminEmail: string;
  output: string[];
  stop(): Promise<void>;
}

export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  await withClient(url.toString(), async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  });
}

export async function startSuite(options: {
  tag: string;
  webPort?: number;
  databaseUrl?: string;
  redisUrl?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<RunningSuite> {
  const schema = `t_${options.tag}_${Date.now().toString(36)}_${process.pid}`;
  const databaseUrl =
    options.databaseUrl ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/pingvas_test';
  const storageDir = await mkdtemp(join(tmpdir(), `pingvas-${options.tag}-`));
  const webPort = options.webPort ?? (await sparePort());
  const adminEmail = `admin-${schema.replace(/_/g, '-')}@example.com`;
  await ensureDatabase(databaseUrl);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: schema,
    REDIS_URL: options.redisUrl ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/2',
    RPC_NAMESPACE: schema,
    QUEUE_PREFIX: schema,
    STORAGE_DIR: storageDir,
    NO_COLOR: '1',
    WEB_PORT: String(webPort),
    ADMIN_EMAILS: adminEmail,
    // Every browser signs up from 127.0.0.1: a public site's per-IP limits would refuse them.
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    GENERATION_RATE_LIMIT_PER_MINUTE: '10000',
    ...options.env,
  };
  for (const name of PROCESSES) {
    env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`] = String(await sparePort());
  }

  const output: string[] = [];
  const launcher: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'scripts', 'start.js')],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [launcher.stdout!, launcher.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (process.env.PINGVAS_SUITE_LOGS) process.stdout.write(`${line}\n`);
    });
  }
  const stop = async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve));
      launcher.kill('SIGINT');
      const timer = setTimeout(() => launcher.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await withClient(databaseUrl, (c) =>
      c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    ).catch((err: unknown) =>
      process.stderr.write(`schema ${schema} not dropped: ${String(err)}\n`),
    );
    await rm(storageDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_MS;
  for (;;) {
    if (launcher.exitCode !== null) {
      await stop();
      throw new Error(`npm start exited early:\n${output.join('\n')}`);
    }
    const ready = await fetch(`http://127.0.0.1:${webPort}/ready`)
      .then((res) => res.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the edge on WEB_PORT ${webPort} was not ready in time:\n${output.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  // localhost, not 127.0.0.1: browsers keep the Secure refresh cookie for a secure context.
  return { webUrl: `http://localhost:${webPort}`, schema, databaseUrl, adminEmail, output, stop };
}

/**
 * Fills a gallery quickly for tests and benchmarks: `copies` more rows like image `imageId`
 * (same owner, files and prompt plus a number, each a second older), straight into the
 * started suite's gallery table, as no API adds images without running the model.
 */
export async function cloneGalleryImage(
  suite: Pick<RunningSuite, 'databaseUrl' | 'schema'>,
  imageId: string,
  copies: number,
): Promise<void> {
  await withClient(suite.databaseUrl, async (db) => {
    await db.query(`SET search_path TO "${suite.schema}"`);
    await db.query(
      `INSERT INTO "images" ("id", "owner_id", "generation_id", "index", "model_id", "model_name",
         "prompt", "prompt_chosung", "negative_prompt", "seed", "width", "height", "steps",
         "guidance_scale", "storage_key", "thumbnail_key", "bytes", "created_at")
       SELECT gen_random_uuid(), "owner_id", gen_random_uuid(), 0, "model_id", "model_name",
         "prompt" || ' ' || g, "prompt_chosung", "negative_prompt", "seed" + g, "width", "height",
         "steps", "guidance_scale", "storage_key", "thumbnail_key", "bytes",
         "created_at" - make_interval(secs => g)
       FROM "images", generate_series(1, $2::int) AS g WHERE "id" = $1`,
      [imageId, copies],
    );
  });
}
