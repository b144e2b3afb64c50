import { loadBaseConfig, MetricsRegistry } from '@pingvas/common';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { apiKeyRevocationChannel, RpcClient, RpcMetrics } from '@pingvas/messaging';
import {
  bootService,
  eventually,
  type RunningApp,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { PAYMENT_SERVICE } from '../support/payment-service';

const PATTERNS = ['payment.system.ping', 'payment.plans.queueWeights'] as const;

/** `rpc_*_requests_total` samples of one /metrics text, as pattern/outcome → count. */
function requestCounts(text: string, side: 'client' | 'server'): Map<string, number> {
  const counts = new Map<string, number>();
  const line = new RegExp(
    `^rpc_${side}_requests_total\\{pattern="([^"]+)",outcome="([^"]+)"\\} (\\d+)$`,
    'gm',
  );
  for (const [, pattern, outcome, n] of text.matchAll(line))
    counts.set(`${pattern}/${outcome}`, Number(n));
  return counts;
}

/**
 * Three replicas of payment-service (one schema, as in production) and a caller: each request
 * is counted once by the replicas together, as many times as the caller counted it, every
 * replica takes a share, and no pub/sub channel has more than one subscriber.
 */
describe('three payment-service replicas share the RPC requests', () => {
  const namespace = uniqueName('t');
  let schema: TestSchema;
  let replicas: RunningApp[];
  let rpc: RpcClient;
  let callerMetrics: MetricsRegistry;
  let redis: Redis;

  beforeAll(async () => {
    schema = await createTestSchema(TEST_DATABASE_URL, PAYMENT_SERVICE.database);
    const config = PAYMENT_SERVICE.loadConfig(testEnv({ schema: schema.schema, namespace }));
    replicas = [];
    for (let i = 0; i < 3; i++)
      replicas.push(await bootService(PAYMENT_SERVICE.module(config), config));
    callerMetrics = new MetricsRegistry();
    rpc = new RpcClient(
      loadBaseConfig('rpc-balance-test', 0, {
        APP_ENV: 'test',
        REDIS_URL: TEST_REDIS_URL,
        RPC_NAMESPACE: namespace,
      }),
      new RpcMetrics(callerMetrics),
    );
    redis = new Redis(TEST_REDIS_URL);
  }, 60_000);

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    for (const replica of replicas ?? []) await replica.close();
    await redis?.del(`${namespace}:rpc:payment`);
    redis?.disconnect();
    await schema?.drop();
  });

  it('counts each request once over the replicas, as often as its caller did, and each replica takes some', async () => {
    for (let i = 0; i < 30; i++) await rpc.send('payment.system.ping', { echo: String(i) });
    for (let wave = 0; wave < 3; wave++)
      await Promise.all(
        Array.from({ length: 20 }, () => rpc.send('payment.plans.queueWeights', {})),
      );

    const caller = requestCounts(await callerMetrics.registry.metrics(), 'client');
    expect(PATTERNS.map((p) => caller.get(`${p}/ok`))).toEqual([30, 60]);
    const perReplica = await eventually(
      async () => {
        const texts = await Promise.all(
          replicas.map(async (r) => (await request(r.url).get('/metrics').expect(200)).text),
        );
        const counts = texts.map((t) => requestCounts(t, 'server'));
        const total = (key: string) => counts.reduce((n, c) => n + (c.get(key) ?? 0), 0);
        // A replica counts a request once its reply is sent, just after the caller has it.
        return PATTERNS.every((p) => total(`${p}/ok`) === caller.get(`${p}/ok`))
          ? counts
          : undefined;
      },
      3000,
      'the replicas counting what the caller counted',
    );
    const handled = perReplica.map((c) =>
      PATTERNS.reduce((n, p) => n + (c.get(`${p}/ok`) ?? 0), 0),
    );
    expect(handled.every((n) => n > 0)).toBe(true);
    expect(handled.reduce((a, b) => a + b, 0)).toBe(90);
  });

  it('leaves no RPC channel with more than one subscriber', async () => {
    // The API-key revocation broadcast is for every process on purpose; RPC must have no fan-out.
    const channels = (await redis.pubsub('CHANNELS', `${namespace}:*`))
      .map(String)
      .filter((c) => c !== apiKeyRevocationChannel(namespace));
    expect(channels.length).toBeGreaterThan(0);
    const numsub = await redis.call('PUBSUB', 'NUMSUB', ...channels);
    const subscribers = Array.isArray(numsub) ? numsub : [];
    const crowded = channels.filter((_, i) => Number(subscribers[i * 2 + 1]) !== 1);
    expect(crowded).toEqual([]);
  });
});
