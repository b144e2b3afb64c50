import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '@pingvas/common';
import { createTestSchema, type ServiceDatabase, type TestSchema } from '@pingvas/database';
import {
  eventually,
  type SpawnedProcess,
  sparePort,
  spawnBuilt,
  TEST_DATABASE_URL,
  testEnv,
} from '@pingvas/testing';
import type Redis from 'ioredis';

/** One built service running as a real process (so a test can kill -9 it). */
export interface Replica {
  /** `payment-service#2` */
  name: string;
  url: string;
  process: SpawnedProcess;
  alive(): boolean;
  /** Sends `signal` (SIGTERM by default) unless it has exited; resolves once it has. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** N replicas of one service on one migrated schema, as a Deployment runs them. */
export interface ReplicaSet {
  schema: TestSchema;
  replicas: Replica[];
}

const up = (r: Replica) => async () => {
  if (!r.alive()) return 'exited';
  const res = await fetch(`${r.url}/health`).catch(() => undefined);
  return res?.status === 200 ? 'up' : undefined;
};

/** One more process of `app` on an existing schema, up once `/health` answers. */
export async function spawnReplica(
  app: string,
  index: number,
  schema: string,
  namespace: string,
  extra: Env,
): Promise<Replica> {
  const port = await sparePort();
  const env = testEnv({ schema, namespace, port, extra: { LOG_LEVEL: 'warn', ...extra } });
  const child = spawnBuilt(`apps/${app}/src/main.js`, env);
  const alive = () => child.child.exitCode === null && child.child.signalCode === null;
  const replica: Replica = {
    name: `${app}#${index + 1}`,
    url: `http://127.0.0.1:${port}`,
    process: child,
    alive,
    async stop(signal = 'SIGTERM') {
      if (alive()) child.child.kill(signal);
      await child.exited;
    },
  };
  // Generous: a dozen processes boot at once on two cores.
  const state = await eventually(
    up(replica),
    90_000,
    `${replica.name} answering /health`,
    200,
  ).catch(async (err: unknown) => {
    await replica.stop('SIGKILL');
    throw err;
  });
  if (state === 'exited') {
    const output = [...child.stdout, ...child.stderr].slice(-30).join('\n');
    throw new Error(`${replica.name} exited at boot:\n${output}`);
  }
  return replica;
}

/** `count` processes of `app` sharing one freshly migrated schema, booted side by side. */
export async function spawnReplicaSet(
  app: string,
  db: ServiceDatabase,
  count: number,
  namespace: string,
  extra: Env,
): Promise<ReplicaSet> {
  const schema = await createTestSchema(TEST_DATABASE_URL, db);
  const booted = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => spawnReplica(app, i, schema.schema, namespace, extra)),
  );
  const replicas = booted.flatMap((b) => (b.status === 'fulfilled' ? [b.value] : []));
  const failed = booted.find((b): b is PromiseRejectedResult => b.status === 'rejected');
  if (failed) {
    // Nothing of a set that failed to boot outlives it.
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await schema.drop();
    throw failed.reason;
  }
  return { schema, replicas };
}

/** pattern → outcome → count, from the `rpc_<side>_requests_total` samples of /metrics texts. */
export type RpcCounts = Map<string, Map<string, number>>;

export function rpcRequestCounts(texts: string[], side: 'client' | 'server'): RpcCounts {
  const counts: RpcCounts = new Map();
  const line = new RegExp(
    `^rpc_${side}_requests_total\\{pattern="([^"]+)",outcome="([^"]+)"\\} (\\d+)$`,
    'gm',
  );
  for (const text of texts)
    for (const [, pattern, outcome, n] of text.matchAll(line)) {
      const byOutcome = counts.get(pattern) ?? new Map<string, number>();
      byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + Number(n));
      counts.set(pattern, byOutcome);
    }
  return counts;
}

/** A pattern's count over its outcomes, leaving out `except` (outcomes no server ever sees). */
export function totalOf(counts: RpcCounts, pattern: string, except: string[] = []): number {
  let total = 0;
  for (const [outcome, n] of counts.get(pattern) ?? []) if (!except.includes(outcome)) total += n;
  return total;
}

export async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`${url}/metrics answered ${res.status}`);
  return res.text();
}

/** When and how a replica was killed: `held` is what it had taken from its stream unanswered. */
export interface Kill {
  at: number;
  held: number;
}

/**
 * kill -9 of `replica` the moment it holds a request of `service`'s RPC stream (an entry
 * pending on its consumer, named after its pid), or after `withinMs` if it never takes one:
 * so the kill lands on work in hand, as a crash under load does.
 */
export async function killWhileHolding(
  replica: Replica,
  redis: Redis,
  namespace: string,
  service: string,
  withinMs: number,
): Promise<Kill> {
  const consumer = `-${replica.process.child.pid}-`;
  const deadline = Date.now() + withinMs;
  let held = 0;
  while (held === 0 && Date.now() < deadline) {
    const pending = await redis.xpending(`${namespace}:rpc:${service}`, service, '-', '+', 50);
    held = pending.filter((e) => Array.isArray(e) && String(e[1]).includes(consumer)).length;
    if (held === 0) await sleep(2);
  }
  replica.process.child.kill('SIGKILL');
  const at = Date.now();
  await replica.process.exited;
  return { at, held };
}
