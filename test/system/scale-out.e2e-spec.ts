import { setTimeout as sleep } from 'node:timers/promises';
import { loadBaseConfig, MetricsRegistry } from '@pingvas/common';
import { catalogueChangesChannel, GenerationChannels } from '@pingvas/contracts';
import { apiKeyRevocationChannel, RpcClient, RpcMetrics } from '@pingvas/messaging';
import { eventually, TEST_REDIS_URL } from '@pingvas/testing';
import Redis from 'ioredis';
import {
  arrangeCreditAccount,
  type Balance,
  balanceOf,
  ledgerMismatches,
} from '../support/payment-service';
import {
  type Kill,
  killWhileHolding,
  metricsText,
  type Replica,
  rpcRequestCounts,
  totalOf,
} from '../support/replicas';
import { bootFleet, type Fleet, STORED_MODEL } from '../support/scale-out-fleet';
import { type Customer, signUp } from '../support/user-service';

/** The issue asks for three of each; they fit this file's budget on two cores. */
const REPLICAS = 3;
const WORKERS = 2;
/** Low, so the failures a killed replica causes end soon after it. */
const RPC_TIMEOUT_MS = 1500;
/**
 * The steady stream: one submission every 250 ms for 5 s. From 1.5 s in, the victim is killed
 * the moment it holds a request (or 1 s later if it takes none), so the kill lands on work in
 * hand and the stream goes on for more than one RPC timeout after it.
 */
const STREAM = { count: 20, everyMs: 250, killFrom: 6, killWithinMs: 1000 };
/** A caller's outcomes for calls no replica ever took. */
const NEVER_SERVED = ['no_listener', 'unavailable'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const report = (line: string) => process.stderr.write(`scale-out: ${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Owner extends Customer {
  start: Balance;
}

interface Submission {
  owner: Owner;
  status: number;
  id: string;
  cost: number;
  code?: string;
  sentAt: number;
  answeredAt: number;
}

/**
 * The acceptance test of scale-out (issue 16) with real processes: three replicas each of
 * payment-, model- and generation-service, one user- and one gallery-service and two GPU
 * workers, all built (`dist/`), on real PostgreSQL and Redis, with blobs and the model package
 * on one S3 bucket (s3rver) and no folder shared between processes.
 */
describe('scale-out: every service as replicated real processes on S3 storage', () => {
  let fleet: Fleet;
  let redis: Redis;
  const callerMetrics = new MetricsRegistry();
  let rpc: RpcClient;
  /** Every 202, journey and stream alike: each must end succeeded and be captured once. */
  const accepted: Submission[] = [];
  const owners: Owner[] = [];
  let turn = 0;
  const nextGeneration = () => fleet.generation.replicas[turn++ % REPLICAS]!;
  const livePayment = () => fleet.payment.replicas.find((r) => r.alive())!;
  const auth = (c: Customer) => ({ Authorization: `Bearer ${c.token}` });

  beforeAll(async () => {
    const started = Date.now();
    fleet = await bootFleet({ replicas: REPLICAS, workers: WORKERS, rpcTimeoutMs: RPC_TIMEOUT_MS });
    const steps = Object.entries(fleet.timings).map(([step, s]) => `${step} ${s.toFixed(1)} s`);
    report(
      `booted ${3 * REPLICAS + 2} services and ${WORKERS} workers in ${seconds(Date.now() - started)} (${steps.join(', ')})`,
    );
    redis = new Redis(TEST_REDIS_URL);
    const env = { APP_ENV: 'test', REDIS_URL: TEST_REDIS_URL, RPC_NAMESPACE: fleet.namespace };
    rpc = new RpcClient(
      loadBaseConfig('scale-out-test', 0, { ...env, RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) }),
      new RpcMetrics(callerMetrics),
    );
  }, 150_000);

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    redis?.disconnect();
    await fleet?.stop();
  });

  /** A new customer on the enterprise plan (16 jobs in flight), with the sign-up grant. */
  async function owner(): Promise<Owner> {
    const c = await signUp(fleet.users.url);
    await arrangeCreditAccount(
      { url: livePayment().url, sql: fleet.paymentSql },
      fleet.admin,
      c,
      'enterprise',
    );
    const o = { ...c, start: await balanceOf(livePayment().url, c) };
    owners.push(o);
    return o;
  }

  /** One tiny-model submission to the next generation-service replica in turn. */
  async function submit(o: Owner, prompt: string, seed: number): Promise<Submission> {
    const sentAt = Date.now();
    const res = await fetch(`${nextGeneration().url}/api/v1/generations`, {
      method: 'POST',
      headers: { ...auth(o), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        prompt,
        modelId: STORED_MODEL.name,
        steps: 2,
        seed,
        width: 64,
        height: 64,
      }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json().catch(() => ({}))) as {
      id?: string;
      cost?: number;
      code?: string;
    };
    const s = {
      owner: o,
      status: res.status,
      id: body.id ?? '',
      cost: body.cost ?? 0,
      code: body.code,
      sentAt,
      answeredAt: Date.now(),
    };
    if (s.status === 202) accepted.push(s);
    return s;
  }

  /** Polls any generation-service replica until the generation has ended. */
  async function ended(s: Submission) {
    return eventually(
      async () => {
        const res = await fetch(`${nextGeneration().url}/api/v1/generations/${s.id}`, {
          headers: auth(s.owner),
        });
        const body = (await res.json()) as { status: string; images: { id: string }[] };
        return ['succeeded', 'failed', 'canceled', 'rejected'].includes(body.status)
          ? body
          : undefined;
      },
      45_000,
      `generation ${s.id} ended`,
      250,
    );
  }

  type Images = { items?: { id: string; urls: { file: string } }[] };
  const gallery = async (c: Customer, path: string) =>
    (await (await fetch(`${fleet.gallery.url}${path}`, { headers: auth(c) })).json()) as Images;

  it('takes a customer from submission (any replica) to succeeded, the gallery, a search, and a download by presigned URL', async () => {
    const started = Date.now();
    const pair = [await owner(), await owner()];
    const subs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => submit(pair[i % 2]!, `창가에 앉은 고양이 ${i}`, i + 1)),
    );
    expect(subs.map((s) => [s.status, s.code])).toEqual(subs.map(() => [202, undefined]));
    const done = await Promise.all(subs.map(ended));
    expect(done.map((d) => d.status)).toEqual(subs.map(() => 'succeeded'));
    const generated = Date.now();

    for (const o of pair) {
      const made = done
        .filter((_, i) => subs[i]!.owner === o)
        .flatMap((d) => d.images.map((m) => m.id));
      const listed = await eventually(
        async () => {
          const { items = [] } = await gallery(o, '/api/v1/images');
          return items.length === made.length ? items : undefined;
        },
        15_000,
        'the images listed in the gallery',
      );
      expect(listed.map((i) => i.id).sort()).toEqual([...made].sort());
      const found = await gallery(o, `/api/v1/search/images?q=${encodeURIComponent('고양이')}`);
      expect((found.items ?? []).map((i) => i.id).sort()).toEqual([...made].sort());

      const redirect = await fetch(`${fleet.gallery.url}${listed[0]!.urls.file}`, {
        redirect: 'manual',
      });
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location') ?? '';
      expect(
        location.startsWith(`${fleet.storageEndpoint}/${fleet.bucket}/images/${o.userId}/`),
      ).toBe(true);
      const png = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }

    const perWorker = await Promise.all(
      fleet.workers.map(async (w) => {
        const text = await metricsText(w.url);
        const sum = (name: string) =>
          [...text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\d+)$`, 'gm'))].reduce(
            (n, m) => n + Number(m[2]),
            0,
          );
        return {
          jobs: sum('generation_jobs_total'),
          downloads: sum('model_cache_downloads_total'),
        };
      }),
    );
    // Each node downloads the stored package at most once, into its own cache.
    expect(perWorker.every((w) => w.downloads <= 1)).toBe(true);
    expect(perWorker.some((w) => w.downloads === 1)).toBe(true);
    report(
      `journey: 6 generations succeeded in ${seconds(generated - started)}, gallery/search/downloads in ${seconds(Date.now() - generated)}; ` +
        `workers (jobs/model downloads): ${perWorker.map((w) => `${w.jobs}/${w.downloads}`).join(', ')}`,
    );
  });

  it('counts each RPC request once over the callee replicas, as often as the callers did; every replica takes some; no RPC channel has two subscribers', async () => {
    // A few pings of our own, so that generation-service (which serves no other pattern on this
    // path) is called too, and every replica gets a turn.
    for (const pattern of [
      'payment.system.ping',
      'model.system.ping',
      'generation.system.ping',
    ] as const) {
      for (let i = 0; i < 6; i++) await rpc.send(pattern, { echo: String(i) });
      await Promise.all(Array.from({ length: 6 }, (_, i) => rpc.send(pattern, { echo: `w${i}` })));
    }
    const processes: { name: string; url: string }[] = [
      fleet.users,
      ...fleet.payment.replicas,
      ...fleet.models.replicas,
      ...fleet.generation.replicas,
      fleet.gallery,
      ...fleet.workers.map((w, i) => ({ name: `gpu-worker#${i + 1}`, url: w.url })),
    ];
    const snapshot = async () => {
      const texts = await Promise.all(processes.map((p) => metricsText(p.url)));
      const client = rpcRequestCounts([...texts, await callerMetrics.registry.metrics()], 'client');
      const server = rpcRequestCounts(texts, 'server');
      const patterns = [...new Set([...client.keys(), ...server.keys()])].sort();
      const rows = patterns.map((p) => ({
        pattern: p,
        called: totalOf(client, p, NEVER_SERVED),
        served: totalOf(server, p),
      }));
      return { texts, rows };
    };
    // A replica counts a request just after its reply is sent, a moment after its caller did.
    const balanced = await eventually(
      async () => {
        const s = await snapshot();
        return s.rows.every((r) => r.called === r.served) ? s : undefined;
      },
      5000,
      'the replicas counting what their callers counted',
      250,
    ).catch(() => undefined);
    const { texts, rows } = balanced ?? (await snapshot());
    report(
      `rpc requests (called = served): ${rows.map((r) => `${r.pattern} ${r.called}=${r.served}`).join(', ')}`,
    );
    expect(rows.map((r) => [r.pattern, r.served])).toEqual(rows.map((r) => [r.pattern, r.called]));
    expect(rows.map((r) => r.pattern)).toEqual(
      expect.arrayContaining([
        'payment.credits.reserve',
        'payment.credits.capture',
        'model.models.resolve',
        'model.packages.get',
      ]),
    );

    const sets: Replica[] = [
      ...fleet.payment.replicas,
      ...fleet.models.replicas,
      ...fleet.generation.replicas,
    ];
    const handled = sets.map((r) => {
      const counts = rpcRequestCounts([texts[processes.indexOf(r)]!], 'server');
      return [r.name, [...counts.keys()].reduce((n, p) => n + totalOf(counts, p), 0)] as const;
    });
    report(
      `requests handled per replica: ${handled.map(([name, n]) => `${name} ${n}`).join(', ')}`,
    );
    expect(handled.filter(([, n]) => n === 0)).toEqual([]);

    // Broadcasts that every replica must hear stay pub/sub on purpose and are left out here:
    // the live channel's events, cancel and job-added signals (generation-service replicas and
    // workers), the API-key revocation that empties every process's key cache and the catalogue
    // change that empties every generation-service replica's cache of plans and models.
    const ns = fleet.namespace;
    const broadcast = (c: string) =>
      [
        GenerationChannels.events(ns),
        GenerationChannels.jobAdded(ns),
        apiKeyRevocationChannel(ns),
        catalogueChangesChannel(ns),
      ].includes(c) || c.startsWith(GenerationChannels.cancel(ns));
    const all = (await redis.pubsub('CHANNELS', `${ns}:*`)).map(String).sort();
    const channels = all.filter((c) => !broadcast(c));
    const streams = ['payment', 'model', 'generation'].map((s) => `${ns}:rpc:${s}`);
    const numsub = await redis.call('PUBSUB', 'NUMSUB', ...channels, ...streams);
    const subscribers = Array.isArray(numsub)
      ? numsub.filter((_, i) => i % 2 === 1).map(Number)
      : [];
    report(
      `pub/sub: ${channels.length} RPC reply channels, subscribers ${subscribers.slice(0, channels.length).join(',')}; ` +
        `request streams ${subscribers.slice(channels.length).join(',')}; broadcasts left out: ${all.filter(broadcast).join(', ')}`,
    );
    expect(channels.length).toBeGreaterThan(0);
    expect(channels.filter((c) => !c.startsWith(`${ns}:rpc:reply:`))).toEqual([]);
    expect(subscribers).toEqual([...channels.map(() => 1), ...streams.map(() => 0)]);
  });

  it('loses no accepted generation and charges none twice when a payment-service replica is killed -9 under a steady stream of submissions; failures only within one RPC timeout of the kill', async () => {
    const four = [await owner(), await owner(), await owner(), await owner()];
    const victim = fleet.payment.replicas[REPLICAS - 1]!;
    const servedBy = async (r: Replica) => {
      const counts = rpcRequestCounts([await metricsText(r.url)], 'server');
      return [...counts.keys()].reduce((n, p) => n + totalOf(counts, p), 0);
    };
    const victimServed = [await servedBy(victim)];
    const start = Date.now();
    let killing: Promise<Kill> | undefined;
    const stream: Promise<Submission>[] = [];
    for (let i = 0; i < STREAM.count; i++) {
      if (i === STREAM.killFrom) {
        victimServed.push(await servedBy(victim));
        killing = killWhileHolding(victim, redis, fleet.namespace, 'payment', STREAM.killWithinMs);
      }
      stream.push(submit(four[i % four.length]!, `줄지어 선 고양이 ${i}`, 100 + i));
      // Pacing the stream, not waiting for something.
      await sleep(Math.max(0, start + (i + 1) * STREAM.everyMs - Date.now()));
    }
    const kill = await killing!;
    const killedAt = kill.at;
    const results = await Promise.all(stream);
    const failed = results.filter((s) => s.status !== 202);
    const took = results.map((r) => r.answeredAt - r.sentAt).sort((a, b) => a - b);
    const after = (t: number) => `${t - killedAt >= 0 ? '+' : ''}${t - killedAt} ms`;
    report(
      `stream: ${results.length} submissions in ${seconds(Date.now() - start)}, ${victim.name} killed ${seconds(killedAt - start)} in ` +
        `holding ${kill.held} request(s) (it had served ${victimServed[1]! - victimServed[0]!} since the stream began), ${results.length - failed.length} accepted, ${failed.length} failed; answered in ${took[took.length >> 1]} ms (median), ${took.at(-1)} ms (slowest)` +
        (failed.length
          ? `; failures (sent/answered after the kill): ${failed.map((f) => `${f.status} ${f.code ?? ''} ${after(f.sentAt)}/${after(f.answeredAt)}`).join('; ')}`
          : ''),
    );
    for (const f of failed) {
      expect(f.answeredAt).toBeGreaterThanOrEqual(killedAt);
      expect(f.sentAt).toBeLessThanOrEqual(killedAt + RPC_TIMEOUT_MS);
    }

    const settling = Date.now();
    const done = await Promise.all(accepted.map(ended));
    expect(done.map((d) => d.status)).toEqual(accepted.map(() => 'succeeded'));
    // One capture per accepted generation, and none for a failed submission.
    const captures = await eventually(
      async () => {
        const rows = await fleet.paymentSql<{ reference: string; n: number }>(
          `SELECT "reference", count(*)::int AS n FROM "credit_ledger" WHERE "kind" = 'capture' GROUP BY "reference"`,
        );
        const byId = new Map(rows.map((r) => [r.reference, r.n]));
        return accepted.every((s) => byId.has(s.id)) ? byId : undefined;
      },
      30_000,
      'every accepted generation captured',
      250,
    );
    expect(accepted.map((s) => [s.id, captures.get(s.id)])).toEqual(accepted.map((s) => [s.id, 1]));
    expect(captures.size).toBe(accepted.length);
    const owed = (o: Owner) =>
      accepted.filter((s) => s.owner === o).reduce((n, s) => n + s.cost, 0);
    const balances = await eventually(
      async () => {
        const all = await Promise.all(owners.map((o) => balanceOf(livePayment().url, o)));
        return all.every((b) => b.reserved === 0) ? all : undefined;
      },
      15_000,
      'nothing held any more',
      250,
    );
    expect(balances).toEqual(
      owners.map((o) => ({ available: o.start.available - owed(o), reserved: 0 })),
    );
    expect(await ledgerMismatches({ sql: fleet.paymentSql })).toEqual([]);
    report(
      `settled: ${accepted.length} generations succeeded and captured once, in ${seconds(Date.now() - settling)} after the stream`,
    );
  });
});
