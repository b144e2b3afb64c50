import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';
import { ClientRedis, ServerRedis } from '@nestjs/microservices';
import { StreamRpcClient, StreamRpcServer } from '@pingvas/messaging';
import { firstValueFrom, type Observable, timeout } from 'rxjs';
import { percentile, sparePort } from './bench-stats';

/**
 * `npm run bench:rpc`: the RPC transport (Redis Streams, one consumer group per service) next
 * to Nest's stock Redis transport (pub/sub: every replica runs every request), on a private
 * redis-server, with each replica a process of its own (so two replicas can use two cores).
 *
 * 1. Round trip of an echo, one call at a time: p50 and p99, 1 and 3 replicas.
 * 2. Echo throughput with CONCURRENCY calls in flight: req/s, 1 and 3 replicas.
 * 3. A CPU-bound handler (about BURN_MS of hashing): req/s with 1 and 2 replicas, and how many
 *    times the replicas ran it in all. Figures are printed, not asserted.
 */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BURNS = Number(process.env.BENCH_BURNS ?? 300);
const BURN_MS = Number(process.env.BENCH_BURN_MS ?? 5);
const NAMESPACE = 'bench';
type Kind = 'streams' | 'stock';

/** What the bench uses of either transport's server and client. */
interface Server {
  addHandler(pattern: string, handler: (data: unknown) => Promise<unknown>): void;
  listen(callback: (err?: unknown) => void): void;
  close(): unknown;
}
interface ClientProxy {
  connect(): Promise<unknown>;
  close(): unknown;
  send<T>(pattern: string, data: unknown): Observable<T>;
}

/** About `ms` of CPU, the same work on every call. */
function burn(ms: number): string {
  let digest = 'seed';
  const until = performance.now() + ms;
  while (performance.now() < until) digest = createHash('sha256').update(digest).digest('hex');
  return digest.slice(0, 8);
}

function serverOf(kind: Kind, port: number): Server {
  const redis = { host: '127.0.0.1', port };
  return kind === 'streams'
    ? new StreamRpcServer({ ...redis, namespace: NAMESPACE })
    : new ServerRedis({ ...redis, retryAttempts: 1000, retryDelay: 200 });
}

function clientOf(kind: Kind, port: number): ClientProxy {
  const redis = { host: '127.0.0.1', port };
  return kind === 'streams'
    ? new StreamRpcClient({ ...redis, namespace: NAMESPACE, timeoutMs: 30_000 })
    : new ClientRedis({ ...redis, retryAttempts: 1000, retryDelay: 200 });
}

/** A child process: one replica serving bench.echo and bench.burn until SIGTERM. */
async function serve(kind: Kind, port: number): Promise<void> {
  Logger.overrideLogger(['error']);
  let handled = 0;
  const server = serverOf(kind, port);
  server.addHandler('bench.echo', async (data: unknown) => {
    handled++;
    return data;
  });
  server.addHandler('bench.burn', async () => {
    handled++;
    return burn(BURN_MS);
  });
  await new Promise<void>((resolve, reject) =>
    server.listen((err?: unknown) => (err ? reject(err) : resolve())),
  );
  // The stock server subscribes after its callback; give it a moment before saying so.
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    process.stdout.write(`handled ${handled}\n`);
    void Promise.resolve(server.close()).finally(() => process.exit(0));
  });
}

interface Replica {
  child: ChildProcess;
  lines: string[];
}

async function startReplica(kind: Kind, port: number): Promise<Replica> {
  const child = spawn(process.execPath, [__filename, 'serve', kind, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line === 'ready') resolve();
    });
  });
  await ready;
  return { child, lines };
}

/** Stops the replicas and adds up how many requests they ran. */
async function stopReplicas(replicas: Replica[]): Promise<number> {
  const counts = await Promise.all(
    replicas.map(
      ({ child, lines }) =>
        new Promise<number>((resolve) => {
          child.once('exit', () => {
            const line = lines.find((l) => l.startsWith('handled '));
            resolve(Number(line?.slice('handled '.length) ?? NaN));
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

const call = (client: ClientProxy, pattern: string, data: unknown) =>
  firstValueFrom(client.send(pattern, data).pipe(timeout(30_000)));

async function latency(client: ClientProxy): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await call(client, 'bench.echo', { i });
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await call(client, 'bench.echo', { i });
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(client: ClientProxy, pattern: string, total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lanes = Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) await call(client, pattern, { i: next++ });
  });
  await Promise.all(lanes);
  return total / ((performance.now() - started) / 1000);
}

async function startRedis(): Promise<{ port: number; stop: () => void }> {
  const port = await sparePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        resolve(true);
        socket.destroy();
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop: () => child.kill('SIGKILL') };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits).padStart(9);

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const redis = await startRedis();
  const out: string[] = [
    `bench:rpc — private redis-server, replicas as processes; ${SAMPLES} sequential echoes, ${REQUESTS} echoes at ${CONCURRENCY} in flight, ${BURNS} CPU-bound calls of ~${BURN_MS} ms after 20 to warm up`,
    '',
    'transport   replicas   p50 ms   p99 ms   echo req/s',
  ];
  const calls = BURNS + 20;
  const burns: string[] = ['', `CPU-bound   replicas    req/s   handler runs for ${calls} calls`];
  try {
    for (const kind of ['stock', 'streams'] as const) {
      for (const count of [1, 3]) {
        const replicas = await Promise.all(
          Array.from({ length: count }, () => startReplica(kind, redis.port)),
        );
        const client = clientOf(kind, redis.port);
        await client.connect();
        const { p50, p99 } = await latency(client);
        const rate = await throughput(client, 'bench.echo', REQUESTS);
        out.push(
          `${kind.padEnd(10)} ${String(count).padStart(9)} ${fmt(p50)} ${fmt(p99)} ${fmt(rate, 0)}`,
        );
        await client.close();
        await stopReplicas(replicas);
      }
      for (const count of [1, 2]) {
        const replicas = await Promise.all(
          Array.from({ length: count }, () => startReplica(kind, redis.port)),
        );
        const client = clientOf(kind, redis.port);
        await client.connect();
        await throughput(client, 'bench.burn', 20);
        const rate = await throughput(client, 'bench.burn', BURNS);
        await client.close();
        const runs = await stopReplicas(replicas);
        burns.push(
          `${kind.padEnd(10)} ${String(count).padStart(9)} ${fmt(rate, 1)} ${String(runs).padStart(9)}`,
        );
      }
    }
    process.stdout.write(`${[...out, ...burns].join('\n')}\n`);
  } finally {
    redis.stop();
  }
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3] === 'stock' ? 'stock' : 'streams', Number(process.argv[4])).catch(
    (err: unknown) => {
      process.stderr.write(`replica failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench:rpc failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
