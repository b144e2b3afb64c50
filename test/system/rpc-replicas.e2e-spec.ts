import { Logger } from '@nestjs/common';
import {
  redisOptionsFromUrl,
  type RpcServerObserver,
  type RpcServerOutcome,
  StreamRpcClient,
  StreamRpcServer,
} from '@pingvas/messaging';
import { eventually, sparePort, TestRedisServer, uniqueName } from '@pingvas/testing';
import Redis from 'ioredis';
import { firstValueFrom, TimeoutError } from 'rxjs';

/** One replica of the `work` service (or `slow`), with what it ran and how each request ended. */
class Replica implements RpcServerObserver {
  readonly ran: string[] = [];
  readonly outcomes: { pattern: string; outcome: RpcServerOutcome }[] = [];
  readonly server: StreamRpcServer;

  constructor(
    readonly name: string,
    options: { url: string; namespace: string; maxInFlight?: number },
    handlers: Record<string, (key: string, replica: Replica) => Promise<unknown>>,
  ) {
    this.server = new StreamRpcServer({
      ...redisOptionsFromUrl(options.url),
      namespace: options.namespace,
      instanceId: name,
      observer: this,
      closeGraceMs: 100,
      tuning: options.maxInFlight ? { maxInFlight: options.maxInFlight } : {},
    });
    for (const [pattern, handle] of Object.entries(handlers))
      this.server.addHandler(pattern, async (data: { key: string }) => {
        this.ran.push(data.key);
        return handle(data.key, this);
      });
  }

  served(pattern: string, outcome: RpcServerOutcome): void {
    this.outcomes.push({ pattern, outcome });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.listen((err?: unknown) => (err ? reject(err) : resolve())),
    );
  }

  /** What kill -9 leaves: its sockets gone, nothing acked, its heartbeat left to run out. */
  crash(): void {
    for (const redis of this.server.unwrap<Redis[]>()) redis.disconnect();
  }
}

/**
 * The RPC transport with three replicas of one service in this process, on a Redis of its
 * own: each request is run by exactly one replica, a dead replica's request is answered by
 * another while its deadline holds, and a request whose caller gave up is never started.
 */
describe('RPC over Redis Streams with three replicas of a service', () => {
  const namespace = uniqueName('t');
  let redis: TestRedisServer;
  let url: string;
  let client: StreamRpcClient;
  let raw: Redis;
  let replicas: Replica[];
  let slow: Replica;
  // Requests a replica holds without answering, until the test lets them go.
  const holds: (() => void)[] = [];
  const hold = () => new Promise<string>((resolve) => holds.push(() => resolve('released')));
  const takenFirst = new Map<string, Replica>();
  const firstTaken = (key: string) =>
    eventually(async () => takenFirst.get(key), 5000, `${key} taken by a replica`, 20);

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    redis = new TestRedisServer(await sparePort());
    await redis.start();
    url = redis.url;
    const work = {
      'work.items.add': async (_key: string, replica: Replica) => replica.name,
      // The first replica to take a key holds it (and is then killed); any other answers.
      'work.items.holdFirst': async (key: string, replica: Replica) => {
        if (takenFirst.has(key)) return replica.name;
        takenFirst.set(key, replica);
        return hold();
      },
    };
    replicas = ['r1', 'r2', 'r3'].map((name) => new Replica(name, { url, namespace }, work));
    slow = new Replica(
      'slow-1',
      { url, namespace, maxInFlight: 1 },
      { 'slow.items.wait': async (key) => (key === 'first' ? hold() : key) },
    );
    await Promise.all([...replicas, slow].map((r) => r.listen()));
    client = new StreamRpcClient({ ...redisOptionsFromUrl(url), namespace });
    await client.connect();
    raw = new Redis(url);
  });

  afterAll(async () => {
    for (const release of holds) release();
    await client?.close();
    raw?.disconnect();
    await Promise.all([...(replicas ?? []), slow].map((r) => r?.server.close()));
    await redis?.stop();
  });

  const call = (pattern: string, key: string, timeoutMs = 5000) =>
    firstValueFrom(client.send<string>(pattern, { key }, { timeoutMs }));

  it('runs each of N requests on exactly one replica, and every replica runs some', async () => {
    const keys = Array.from({ length: 90 }, (_, i) => `item-${i}`);
    const answers: string[] = [];
    // One at a time (the replicas take turns), then all at once.
    for (const key of keys.slice(0, 30)) answers.push(await call('work.items.add', key));
    answers.push(...(await Promise.all(keys.slice(30).map((k) => call('work.items.add', k)))));

    const ran = replicas.flatMap((r) => r.ran);
    expect(ran.length).toBe(keys.length);
    expect(new Set(ran)).toEqual(new Set(keys));
    expect(replicas.map((r) => [r.name, r.ran.length > 0])).toEqual(
      replicas.map((r) => [r.name, true]),
    );
    expect(new Set(answers)).toEqual(new Set(['r1', 'r2', 'r3']));
    // A replica counts a request once its reply is sent, a moment after the caller may have it.
    const ok = () => replicas.flatMap((r) => r.outcomes).filter((o) => o.outcome === 'ok').length;
    await eventually(async () => ok() >= keys.length || undefined, 2000, 'every request counted');
    expect(ok()).toBe(keys.length);
    // No pub/sub fan-out: the only channel is the caller's own reply channel, one subscriber.
    expect(await raw.pubsub('CHANNELS', `${namespace}:*`)).toEqual([client.replyChannel]);
    expect(await raw.pubsub('NUMSUB', client.replyChannel)).toEqual([client.replyChannel, 1]);
    // Answered entries leave the stream with their reply.
    await eventually(
      async () => (await raw.xlen(`${namespace}:rpc:work`)) === 0 || undefined,
      2000,
      'stream empty',
    );
  });

  it('answers a request held by a replica that dies, from another replica, within its deadline', async () => {
    const answer = call('work.items.holdFirst', 'long', 8000);
    const dead = await firstTaken('long');
    dead.crash();

    const by = await answer;
    expect(by).not.toBe(dead.name);
    expect(
      replicas
        .filter((r) => r.ran.includes('long'))
        .map((r) => r.name)
        .sort(),
    ).toEqual([dead.name, by].sort());
    const claimer = replicas.find((r) => r.name === by)!;
    expect(claimer.outcomes).toContainEqual({ pattern: 'work.items.holdFirst', outcome: 'ok' });
  });

  it('drops, unstarted, a dead replica’s request whose deadline has passed', async () => {
    const answer = call('work.items.holdFirst', 'short', 600);
    const dead = await firstTaken('short');
    dead.crash();

    await expect(answer).rejects.toBeInstanceOf(TimeoutError);
    // Claimed once its replica has been silent for a while, and dropped: the caller is gone.
    await eventually(
      async () =>
        replicas
          .filter((r) => r !== dead)
          .flatMap((r) => r.outcomes)
          .find((o) => o.outcome === 'expired'),
      5000,
      'the request dropped by a live replica',
    );
    expect(replicas.filter((r) => r.ran.includes('short'))).toEqual([dead]);
    expect((await raw.xpending(`${namespace}:rpc:work`, 'work'))[0]).toBe(0);
  });

  it('never starts a request that waited past its deadline for a busy replica', async () => {
    // One request at a time: the second waits in the stream while the first is held.
    const first = call('slow.items.wait', 'first', 10_000);
    await eventually(async () => slow.ran.includes('first') || undefined, 5000, 'first taken');
    await expect(call('slow.items.wait', 'late', 300)).rejects.toBeInstanceOf(TimeoutError);
    holds.at(-1)!();
    await expect(first).resolves.toBe('released');

    await eventually(
      async () => slow.outcomes.find((o) => o.outcome === 'expired'),
      5000,
      'the late request dropped',
    );
    expect(slow.ran).toEqual(['first']);
    expect(await raw.xlen(`${namespace}:rpc:slow`)).toBe(0);
  });
});
