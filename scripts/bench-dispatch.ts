import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { GPU_WORKER, SERVICES, SYSTEM_WORKER } from '@pingvas/contracts';
import { dropSchema } from '@pingvas/database';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Fatal, percentile, sparePort, until } from './bench-stats';

/**
 * `npm run bench:dispatch`: the whole generation path as `npm start` runs it (six processes,
 * PostgreSQL, Redis, BullMQ) with a model that returns at once (the tiny model, 64x64, one
 * step: a few ms of ONNX Runtime), so what is measured is our dispatch, not inference.
 *
 * 1. Idle worker, one job at a time: time from the 202 answer to the worker starting the job
 *    (its `started_at`; same machine, same clock), p50 and p99.
 * 2. A burst of jobs from many clients: jobs per second from the first submit until the last
 *    job's credits are captured (submit, reserve, queue, dispatch, inference, PNG, results,
 *    capture).
 */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const BURST = Number(process.env.BENCH_BURST ?? 400);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pingvas';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/2';
const ADMIN = 'bench-admin@example.com';
const PASSWORD = 'correct horse battery';
const JOB = { prompt: '창가의 고양이', width: 64, height: 64, steps: 1 };

async function call<T>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function main(): Promise<void> {
  const namespace = `bench_${randomBytes(4).toString('hex')}`;
  const storageDir = await mkdtemp(join(tmpdir(), 'pingvas-bench-'));
  const names = [
    ...Object.values(SERVICES).map((s) => s.name),
    GPU_WORKER.name,
    SYSTEM_WORKER.name,
  ];
  const ports: Record<string, number> = {};
  for (const name of names) ports[name] = await sparePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // e.g. BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles every process.
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    APP_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL,
    DB_SCHEMA: namespace,
    REDIS_URL,
    RPC_NAMESPACE: namespace,
    QUEUE_PREFIX: namespace,
    STORAGE_DIR: storageDir,
    ADMIN_EMAILS: ADMIN,
    GENERATION_RATE_LIMIT_PER_MINUTE: '100000',
    NO_COLOR: '1',
  };
  for (const name of names)
    env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`] = String(ports[name]);
  const url = (name: string) => `http://127.0.0.1:${ports[name]}`;

  const launcher: ChildProcess = spawn(process.execPath, [join(__dirname, 'start.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [launcher.stdout!, launcher.stderr!])
    createInterface({ input: stream }).on('line', (line) => output.push(line));
  const db = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${namespace}` });

  try {
    await until('the suite ready', async () => {
      if (launcher.exitCode !== null) throw new Fatal(output.join('\n'));
      return output.some((l) => l.includes('processes ready')) || undefined;
    });
    await db.connect();
    // Plans are rows: lift the jobs-in-flight limit so one customer can queue the whole burst.
    await db.query(`UPDATE "plans" SET "max_jobs_in_flight" = 100000`);

    const signUp = async (email: string) =>
      (
        await call<{ accessToken: string; user: { id: string } }>(
          `${url('user-service')}/api/v1/auth/signup`,
          { body: { email, password: PASSWORD } },
        )
      ).body;
    const admin = await signUp(ADMIN);
    const customer = await signUp(`bench-${namespace}@example.com`);
    const grant = await until('credits granted', async () => {
      const res = await call(`${url('payment-service')}/api/v1/admin/credits/grants`, {
        token: admin.accessToken,
        headers: { 'idempotency-key': `bench-${namespace}` },
        body: { userId: customer.user.id, amount: 10 * (SAMPLES + BURST), reason: 'benchmark' },
      });
      return res.status === 200 ? res : undefined;
    });
    if (grant.status !== 200) throw new Error('grant failed');

    const submitMs: number[] = [];
    const submit = async () => {
      const sentAt = performance.now();
      const res = await call<{ id: string }>(`${url('generation-service')}/api/v1/generations`, {
        token: customer.accessToken,
        body: JOB,
      });
      if (res.status !== 202)
        throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
      submitMs.push(performance.now() - sentAt);
      return { id: res.body.id, answeredAt: Date.now() };
    };
    const startedAt = async (ids: string[]) => {
      const { rows } = await db.query<{ id: string; started: string }>(
        `SELECT "id", (extract(epoch FROM "started_at") * 1000)::float8 AS started FROM "generations" WHERE "id" = ANY($1)`,
        [ids],
      );
      return new Map(rows.map((r) => [r.id, Number(r.started)]));
    };

    // 1. One at a time against an idle worker (a few first runs warm every path up).
    const latencies: number[] = [];
    for (let i = -10; i < SAMPLES; i++) {
      const job = await submit();
      await until(
        'job settled',
        async () => {
          const { rows } = await db.query(
            `SELECT 1 FROM "generations" WHERE "id" = $1 AND "settled_at" IS NOT NULL`,
            [job.id],
          );
          return rows.length > 0 || undefined;
        },
        { pollMs: 20 },
      );
      if (i >= 0) latencies.push((await startedAt([job.id])).get(job.id)! - job.answeredAt);
    }

    const idleSubmit = submitMs.splice(0).slice(10);

    // 2. A burst from CLIENTS concurrent clients.
    const t0 = Date.now();
    const answered: { id: string; answeredAt: number }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < BURST) {
          next += 1;
          answered.push(await submit());
        }
      }),
    );
    const acceptedIn = Date.now() - t0;
    const ids = answered.map((a) => a.id);
    const settledAt = await until(
      'the burst settled',
      async () => {
        const { rows } = await db.query<{ n: number; last: string; failed: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE "status" <> 'succeeded')::int AS failed,
             (extract(epoch FROM max("settled_at")) * 1000)::float8 AS last
           FROM "generations" WHERE "id" = ANY($1) AND "settled_at" IS NOT NULL`,
          [ids],
        );
        if (rows[0].failed > 0) throw new Fatal(`${rows[0].failed} burst jobs did not succeed`);
        return rows[0].n === ids.length ? Number(rows[0].last) : undefined;
      },
      { timeoutMs: 300_000, pollMs: 20 },
    );
    const burstSeconds = (settledAt - t0) / 1000;
    const started = await startedAt(ids);
    const waits = answered.map((a) => started.get(a.id)! - a.answeredAt);

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    process.stdout.write(
      [
        `bench:dispatch — all six processes as npm start runs them, tiny model ${JOB.width}x${JOB.height}, ${JOB.steps} step, node ${process.version}`,
        '',
        `answer → worker start, idle worker, ${SAMPLES} jobs one at a time:`,
        `  p50 ${ms(percentile(latencies, 50))}   p99 ${ms(percentile(latencies, 99))}   max ${ms(Math.max(...latencies))}`,
        `  (the POST itself: p50 ${ms(percentile(idleSubmit, 50))}, p99 ${ms(percentile(idleSubmit, 99))})`,
        '',
        `burst of ${BURST} jobs from ${CLIENTS} clients:`,
        `  accepted (202) at ${((BURST / acceptedIn) * 1000).toFixed(0)} jobs/s (the POST: p50 ${ms(percentile(submitMs, 50))}, p99 ${ms(percentile(submitMs, 99))})`,
        `  through the whole path (submit → credits captured): ${(BURST / burstSeconds).toFixed(1)} jobs/s (${burstSeconds.toFixed(1)} s)`,
        `  answer → worker start under the burst: p50 ${ms(percentile(waits, 50))}   p99 ${ms(percentile(waits, 99))}`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.end().catch(() => undefined);
    if (launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve));
      launcher.kill('SIGINT');
      await exited;
    }
    await dropSchema({ url: DATABASE_URL, schema: namespace });
    await rm(storageDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${namespace}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:dispatch failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
