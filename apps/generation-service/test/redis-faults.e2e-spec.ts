import { WorkerHost } from '@nestjs/bullmq';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import {
  imageStorageKey,
  QueueNames,
  ScheduledJobNames,
  type ServiceKey,
  systemPingPattern,
} from '@pingvas/contracts';
import {
  checkRedisPersistence,
  NO_AOF_WARNING,
  redisOptionsFromUrl,
  RpcClient,
  StreamRpcClient,
} from '@pingvas/messaging';
import { eventually, readEvents, sparePort, TestRedisServer } from '@pingvas/testing';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { RunningWorker } from '../../../test/support/gpu-worker';
import { SLOW_MODEL } from '../../../test/support/model-service';
import { ledgerMismatches } from '../../../test/support/payment-service';
import type { Customer } from '../../../test/support/user-service';

const SERVICES: ServiceKey[] = ['user', 'payment', 'model', 'generation', 'gallery'];
const SCHEDULERS = [
  { queue: QueueNames.paymentMaintenance, name: ScheduledJobNames.expireReservations },
  { queue: QueueNames.galleryMaintenance, name: ScheduledJobNames.removeDeletedFiles },
  { queue: QueueNames.generationMaintenance, name: ScheduledJobNames.sweepGenerations },
  { queue: QueueNames.userMaintenance, name: ScheduledJobNames.pruneAccountRecords },
] as const;
const FINAL = ['succeeded', 'failed', 'canceled'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The five services (in this process: an unhandled error or rejection in any of them fails
 * the test, as it would stop the real process) and the worker (a child process) on a Redis of
 * their own with no persistence, restarted under traffic: each restart loses every key.
 */
describe('a Redis restart without persistence, under traffic', () => {
  let redis: TestRedisServer;
  let stack: GenerationStack;
  let worker: RunningWorker;
  // Every ioredis connection the services open (RPC, BullMQ, rate limits, SSE, readiness).
  const connect = jest.spyOn(Redis.prototype, 'connect');

  beforeAll(async () => {
    redis = new TestRedisServer(await sparePort());
    await redis.start();
    // The slow model (about 0.2 s a step): jobs wait in the queues when Redis goes.
    stack = await bootGenerationStack({ redisUrl: redis.url, gallery: true, slowModel: true });
    worker = await stack.startWorker();
  });

  afterAll(async () => {
    connect.mockRestore();
    await stack?.stop();
    await redis?.stop();
  });

  const submit = (c: Customer, prompt: string) =>
    request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .timeout(15_000)
      .send({ prompt, modelId: SLOW_MODEL.name, steps: 2 });

  /** generation-service's own RPC client: how it calls the others. */
  const rpc = () => stack.generation.app.get(RpcClient, { strict: false });
  const urls = () => [stack.users, stack.payment, stack.models, stack.generation, stack.gallery!];

  /** Kills Redis (every key is lost) and starts it again empty. */
  const restartRedis = async () => {
    await redis.stop();
    await sleep(300);
    await redis.start();
  };

  const everyServiceReady = () =>
    eventually(
      async () => {
        const statuses = await Promise.all(
          urls().map(async (s) => (await request(s.url).get('/ready')).status),
        );
        return statuses.every((s) => s === 200) || undefined;
      },
      15_000,
      'every service ready',
    );

  it('handles an error event on every Redis connection of the services (none is unhandled)', async () => {
    const c = await stack.customer('pro', 100);
    const res = await submit(c, 'a stream opens the SSE subscriber').expect(202);
    await readEvents(stack.generation.url, `/api/v1/generations/${res.body.id}/events`, c.token)
      .ended;

    // First in the file: every connection so far is one of the services' own.
    const clients = [...new Set(connect.mock.contexts as Redis[])];
    expect(clients.length).toBeGreaterThan(20);
    const unheard = clients.filter((client) => client.listenerCount('error') === 0);
    expect(unheard.map((client) => client.options.connectionName ?? client.status)).toEqual([]);
    for (const client of clients)
      expect(() => client.emit('error', new Error('injected by the test'))).not.toThrow();

    // BullMQ re-emits its connections' errors on each queue and worker, and prints an
    // "Unhandled error" to stderr for one nobody listens to.
    const bull = urls().flatMap(({ app }) =>
      new DiscoveryService(app.get(ModulesContainer)).getProviders().flatMap(({ instance }) => {
        if (instance instanceof Queue) return [instance];
        return instance instanceof WorkerHost ? [instance.worker] : [];
      }),
    );
    expect(bull.length).toBeGreaterThan(10);
    expect(bull.filter((q) => q.listenerCount('error') === 0).map((q) => q.name)).toEqual([]);
    for (const service of SERVICES) await rpc().send(systemPingPattern(service), {});
  });

  it('says loudly at start that a prod Redis without AOF loses jobs', async () => {
    const client = new Redis(redis.url);
    const lines: string[] = [];
    const log = {
      log: () => undefined,
      warn: () => undefined,
      error: (m: string) => lines.push(m),
    };
    await checkRedisPersistence(client, 'prod', log);
    client.disconnect();
    expect(lines).toEqual([NO_AOF_WARNING]);
  });

  it('keeps a SUBSCRIBE sent during the reconnect handshake from failing the RPC subscriber connection', async () => {
    const client = new StreamRpcClient({ ...redisOptionsFromUrl(redis.url), namespace: 't' });
    await client.connect();
    const [, sub] = client.unwrap<[Redis, Redis]>();
    const errors: Error[] = [];
    const received: string[] = [];
    sub.on('error', (err: Error) => errors.push(err));
    sub.on('message', (_channel: string, message: string) => received.push(message));
    // What a request sent right after the publisher reconnected does on the subscriber.
    sub.on('connect', () => void sub.subscribe('t:handshake.reply').catch(() => undefined));

    await restartRedis();
    const publisher = new Redis(redis.url);
    await eventually(
      async () => ((await publisher.publish('t:handshake.reply', 'hello')) > 0 ? true : undefined),
      10_000,
      'the subscriber listening again',
    );
    publisher.disconnect();
    await eventually(async () => received.length > 0 || undefined, 5000, 'the message received');
    await client.close();
    await everyServiceReady();
    expect(
      errors.map((e) => e.message).filter((m) => /ready check|can't execute/i.test(m)),
    ).toEqual([]);
  });

  it('restarted 3 times: no process exits, RPC and the schedulers come back, every accepted generation ends final and is paid exactly once', async () => {
    const customers = await Promise.all(
      (['starter', 'pro', 'studio', 'enterprise'] as const).map((tier) =>
        stack.customer(tier, 2000),
      ),
    );
    const accepted: { c: Customer; id: string }[] = [];
    const answers = new Map<number, number>();
    let traffic = true;
    // One client per customer, each submitting as fast as it is answered.
    const drivers = customers.map(async (c, n) => {
      for (let i = 0; traffic; i++) {
        const res = await submit(c, `재시작 ${n}-${i}`).catch(() => undefined);
        const status = res?.status ?? 0;
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (status === 202) accepted.push({ c, id: res!.body.id });
        await sleep(100);
      }
    });

    for (let round = 1; round <= 3; round++) {
      await sleep(1500);
      await restartRedis();
      await eventually(
        async () => {
          for (const service of SERVICES)
            await rpc().send(systemPingPattern(service), {}, { timeoutMs: 1000 });
          return true;
        },
        5000,
        `round ${round}: every service answering RPC within 5 s of Redis coming back`,
      );
      await eventually(
        async () => {
          const found = await Promise.all(
            SCHEDULERS.map((s) => stack.queue(s.queue).getJobScheduler(s.name)),
          );
          return found.every(Boolean) || undefined;
        },
        10_000,
        `round ${round}: the maintenance schedulers back in Redis`,
      );
    }
    await sleep(1000);
    traffic = false;
    await Promise.all(drivers);

    expect(worker.process.child.exitCode).toBeNull();
    for (const service of urls()) await request(service.url).get('/health').expect(200);
    // Accepted (202), refused for limits (429) or while Redis was away (503); never a 500.
    expect([...answers.keys()].filter((s) => ![202, 429, 503].includes(s))).toEqual([]);
    expect(accepted.length).toBeGreaterThan(10);

    const ids = accepted.map((a) => a.id);
    const rows = await eventually(
      async () => {
        const found = await stack.sql<{ id: string; user_id: string; status: string }>(
          `SELECT "id", "user_id", "status" FROM "generations" WHERE "id" = ANY($1)`,
          [ids],
        );
        return found.length === ids.length && found.every((r) => FINAL.includes(r.status))
          ? found
          : undefined;
      },
      60_000,
      'every accepted generation final',
    );
    expect(await ledgerMismatches(stack.payment)).toEqual([]);
    await eventually(
      async () =>
        (await stack.payment.sql(`SELECT 1 FROM "credit_accounts" WHERE "reserved" <> 0`))
          .length === 0 || undefined,
      20_000,
      'nothing left reserved',
    );
    const settled = await stack.payment.sql<{ reference: string; kind: string }>(
      `SELECT "reference", "kind" FROM "credit_ledger" WHERE "reference" = ANY($1) AND "kind" IN ('capture', 'release')`,
      [ids],
    );
    for (const row of rows) {
      const kinds = settled.filter((s) => s.reference === row.id).map((s) => s.kind);
      expect([row.id, row.status, kinds]).toEqual([
        row.id,
        row.status,
        [row.status === 'succeeded' ? 'capture' : 'release'],
      ]);
      // A success keeps its image; anything else leaves none behind.
      const file = join(stack.storageDir, imageStorageKey(row.user_id, row.id, 0));
      expect([row.id, row.status, existsSync(file)]).toEqual([
        row.id,
        row.status,
        row.status === 'succeeded',
      ]);
    }
    const outcomes = rows.reduce<Record<string, number>>(
      (n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }),
      {},
    );
    process.stdout.write(
      `redis-faults: answers ${JSON.stringify(Object.fromEntries(answers))}, outcomes ${JSON.stringify(outcomes)}\n`,
    );
  }, 150_000);
});
