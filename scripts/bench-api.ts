import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SERVICES } from '@pingvas/contracts';
import { dropSchema } from '@pingvas/database';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { SERVICE_NODE_FLAGS } from './node-flags';
import { Fatal, sparePort, until } from './bench-stats';

/**
 * `npm run bench:api`: what the HTTP pipeline costs on reads. Each service runs as its own
 * built process (dist, as in production) so the load generator in this process does not take
 * their CPU; a bare Nest (Express) app answering JSON, also a process of its own, is the
 * baseline. Each route gets autocannon with CONNECTIONS connections for DURATION seconds after
 * a WARMUP; printed: req/s, p50, p99 and the share of the bare app, then every process's RSS
 * after boot and after the load. Every process, the bare app too, runs with the V8 flags of the
 * production images (SERVICE_NODE_FLAGS). BENCH_CPU_PROF=<dir> starts the processes with --cpu-prof.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pingvas';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/2';
const CPU_PROF = process.env.BENCH_CPU_PROF;
const PASSWORD = 'correct horse battery';
const DIST = join(__dirname, '..');

@Controller()
class BareController {
  @Get('bare')
  bare() {
    return { ok: true, service: 'bare' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/** A child process: the baseline, Nest on Express with nothing of ours. */
async function serveBare(port: number): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error'] });
  await app.listen(port, '127.0.0.1');
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
}

/** Resident set size of a process in MB, from /proc (Linux). */
function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1]) / 1024;
  } catch {
    return NaN;
  }
}

interface Proc {
  name: string;
  port: number;
  child: ChildProcess;
  output: string[];
}

function startProcess(name: string, port: number, args: string[], env: NodeJS.ProcessEnv): Proc {
  const flags = CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...flags, ...args], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => {
      // Only the tail: request logs at info would otherwise pile up here.
      output.push(line);
      if (output.length > 200) output.shift();
    });
  return { name, port, child, output };
}

async function stopProcess({ child }: Proc): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, token: string | undefined, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const namespace = `bench_${randomBytes(4).toString('hex')}`;
  const storageDir = await mkdtemp(join(tmpdir(), 'pingvas-bench-api-'));
  const services = Object.values(SERVICES).map((s) => s.name);
  const ports: Record<string, number> = {};
  for (const name of [...services, 'bare']) ports[name] = await sparePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL,
    DB_SCHEMA: namespace,
    REDIS_URL,
    RPC_NAMESPACE: namespace,
    QUEUE_PREFIX: namespace,
    STORAGE_DIR: storageDir,
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    GENERATION_RATE_LIMIT_PER_MINUTE: '10000',
    // As in production: no bundled tiny model made and validated at boot (dev/test only; its
    // validation loads ONNX Runtime into model-service, ~50 MB, which no route here uses).
    REGISTER_TINY_MODEL: 'false',
    JWKS_URL: `http://127.0.0.1:${ports['user-service']}/.well-known/jwks.json`,
    NO_COLOR: '1',
  };
  for (const name of services)
    env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`] = String(ports[name]);
  const url = (name: string, path: string) => `http://127.0.0.1:${ports[name]}${path}`;

  const migrated = spawnSync(process.execPath, [join(DIST, 'scripts', 'migrate.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (migrated.status !== 0) throw new Error('migrations failed');

  const procs: Proc[] = [
    startProcess('bare', ports.bare, [__filename, 'bare', String(ports.bare)], env),
    ...services.map((name) =>
      startProcess(name, ports[name], [join(DIST, 'apps', name, 'src', 'main.js')], env),
    ),
  ];
  try {
    for (const proc of procs) {
      const path = proc.name === 'bare' ? '/bare' : '/ready';
      await until(
        `${proc.name} ready`,
        async () => {
          if (proc.child.exitCode !== null) throw new Fatal(`${proc.name} exited`);
          const res = await fetch(url(proc.name, path));
          return res.status === 200 || undefined;
        },
        { timeoutMs: 180_000 },
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${proc.output.slice(-20).join('\n')}`);
      });
    }
    // Let boot-time work (JIT, timers, first GC) settle before reading idle memory.
    await new Promise((r) => setTimeout(r, 2000));
    const bootRss = new Map(procs.map((p) => [p.name, rssMb(p.child.pid)]));

    const res = await fetch(url('user-service', '/api/v1/auth/signup'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${namespace}@example.com`, password: PASSWORD }),
    });
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
    const { accessToken } = (await res.json()) as { accessToken: string };

    const routes: { what: string; service: string; path: string; auth: boolean }[] = [
      { what: 'bare Nest (Express) GET JSON', service: 'bare', path: '/bare', auth: false },
      { what: 'GET /health', service: 'payment-service', path: '/health', auth: false },
      {
        what: 'GET /api/v1/credits/balance',
        service: 'payment-service',
        path: '/api/v1/credits/balance',
        auth: true,
      },
      {
        what: 'GET /api/v1/users/me',
        service: 'user-service',
        path: '/api/v1/users/me',
        auth: true,
      },
      {
        what: 'GET /api/v1/generations',
        service: 'generation-service',
        path: '/api/v1/generations',
        auth: true,
      },
      {
        what: 'GET /api/v1/images',
        service: 'gallery-service',
        path: '/api/v1/images',
        auth: true,
      },
      {
        what: 'GET /api/v1/search/images?q=고양이',
        service: 'gallery-service',
        path: `/api/v1/search/images?q=${encodeURIComponent('고양이')}`,
        auth: true,
      },
    ];
    const rows: { what: string; figures: Figures }[] = [];
    for (const route of routes) {
      const target = url(route.service, route.path);
      const token = route.auth ? accessToken : undefined;
      const check = await fetch(target, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (check.status !== 200)
        throw new Error(`${route.what} answered ${check.status}: ${await check.text()}`);
      if (WARMUP > 0) await load(target, token, WARMUP);
      rows.push({ what: route.what, figures: await load(target, token, DURATION) });
    }
    const loadRss = new Map(procs.map((p) => [p.name, rssMb(p.child.pid)]));

    const bare = rows[0].figures.rps;
    const width = Math.max(...rows.map((r) => r.what.length));
    const out = [
      `bench:api — ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s a route, each service its own process (dist), LOG_LEVEL=${env.LOG_LEVEL}, node ${process.version}`,
      '',
      `${'route'.padEnd(width)}    req/s   p50 ms   p99 ms   share of bare   errors/non-2xx`,
      ...rows.map(
        ({ what, figures }) =>
          `${what.padEnd(width)} ${figures.rps.toFixed(0).padStart(8)} ${figures.p50.toFixed(0).padStart(8)} ${figures.p99.toFixed(0).padStart(8)} ${`${((figures.rps / bare) * 100).toFixed(0)} %`.padStart(15)} ${String(figures.non2xx).padStart(16)}`,
      ),
      '',
      'RSS MB        after boot   after load',
      ...procs.map(
        (p) =>
          `${p.name.padEnd(18)} ${bootRss.get(p.name)!.toFixed(0).padStart(7)} ${loadRss.get(p.name)!.toFixed(0).padStart(12)}`,
      ),
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    await Promise.all(procs.map(stopProcess));
    await dropSchema({ url: DATABASE_URL, schema: namespace });
    await rm(storageDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${namespace}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

if (process.argv[2] === 'bare') {
  void serveBare(Number(process.argv[3]));
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(
        `bench:api failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
