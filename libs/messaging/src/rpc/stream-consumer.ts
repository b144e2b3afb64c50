import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  admit,
  decodeAutoClaim,
  decodeConsumers,
  decodeEntry,
  entriesOfRead,
  isRequest,
  type RequestEntry,
  staleConsumers,
  type StreamKeys,
} from './stream-protocol';

export interface ConsumerTuning {
  /** Requests one replica holds at once; it reads no more until one ends. */
  maxInFlight: number;
  /** How long one XREADGROUP waits for a request before asking again. */
  blockMs: number;
  /** How often held requests are touched (their idle time reset) and dead replicas' claimed. */
  tickMs: number;
  /** A pending request idle this long has lost its replica (live ones touch theirs each tick). */
  minIdleMs: number;
  heartbeatMs: number;
  /** A replica is listed this long after its last heartbeat. */
  replicaTtlMs: number;
  /** Consumers of gone replicas, with nothing pending, are removed after this long. */
  staleConsumerMs: number;
}

export const DEFAULT_TUNING: ConsumerTuning = {
  maxInFlight: 32,
  blockMs: 2000,
  tickMs: 250,
  minIdleMs: 1000,
  heartbeatMs: 1000,
  replicaTtlMs: 3000,
  staleConsumerMs: 60_000,
};

/** Sends one reply; `final` also acks and deletes the entry (after the reply, same round trip). */
export type ReplySink = (message: string, final: boolean) => Promise<void>;

export interface RequestRunner {
  /** Runs the handler; resolves once its final reply is sent. Never rejects. */
  run(entry: RequestEntry, reply: ReplySink): Promise<void>;
  /** A request dropped unstarted: its caller has given up. */
  expired(entry: RequestEntry): void;
}

export interface ConsumerParts {
  commands: Redis;
  /** Its own connection: XREADGROUP blocks it. */
  reader: Redis;
  keys: StreamKeys;
  group: string;
  consumer: string;
  runner: RequestRunner;
  tuning: ConsumerTuning;
  logger: Pick<Logger, 'warn' | 'error'>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One replica's reader of one service's stream, in the service's consumer group: reads what
 * it has room for, never starts a request past its deadline, keeps what it holds fresh so no
 * one claims it, claims what dead replicas held while the deadline holds, and announces itself
 * by heartbeat so callers know someone listens.
 */
export class StreamConsumer {
  private readonly held = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private ticking = false;
  private wake?: () => void;

  constructor(private readonly p: ConsumerParts) {}

  /** Resolves once the group exists and the first heartbeat is in; never while Redis is away. */
  start(): Promise<void> {
    const { tuning } = this.p;
    const group = this.ensureGroup();
    // Reading before the group exists would only fail with NOGROUP and retry later.
    void group.then(
      () => this.readLoop(),
      () => this.readLoop(),
    );
    const first = group.then(() => this.beat());
    this.timers.push(
      setInterval(() => void this.beat(), tuning.heartbeatMs),
      setInterval(() => void this.tick(), tuning.tickMs),
      setInterval(() => void this.prune(), Math.max(tuning.staleConsumerMs / 2, tuning.tickMs)),
    );
    return first;
  }

  /**
   * Stops reading and leaves the replica list, then waits (at most until their deadlines,
   * `graceMs` at most) for held requests; what is still held stays pending for another replica.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // Its pending read fails with the connection (or, while Redis is away, is dropped with it).
    // (ioredis arms a 2 s timer on each disconnect(); an ended connection would keep it.)
    if (this.p.reader.status !== 'end') this.p.reader.disconnect();
    if (this.p.commands.status === 'ready')
      await this.p.commands.zrem(this.p.keys.replicas, this.p.consumer).catch(() => undefined);
    const until = Date.now() + graceMs;
    while (this.held.size > 0 && Date.now() < until) await sleep(20);
    for (const timer of this.timers) clearInterval(timer);
  }

  private async ensureGroup(): Promise<void> {
    const { commands, keys, group } = this.p;
    // From the stream's start: requests added before the group (or Redis) came back are served.
    await commands.xgroup('CREATE', keys.stream, group, '0', 'MKSTREAM').catch((err: unknown) => {
      if (!String(err).includes('BUSYGROUP')) throw err;
    });
  }

  private async readLoop(): Promise<void> {
    const { reader, keys, group, consumer, tuning } = this.p;
    while (!this.stopping) {
      const room = tuning.maxInFlight - this.held.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        const answer = await reader.xreadgroup(
          'GROUP', group, consumer, 'COUNT', room, 'BLOCK', tuning.blockMs, 'STREAMS', keys.stream, '>',
        ); // prettier-ignore
        for (const raw of entriesOfRead(answer)) this.take(raw);
      } catch (err) {
        if (this.stopping) return;
        // Redis came back empty: the group is gone with everything else.
        if (String(err).includes('NOGROUP')) await this.ensureGroup().catch(() => undefined);
        else this.p.logger.warn(`reading ${keys.stream}: ${String(err)}`);
        await sleep(100);
      }
    }
  }

  private take(raw: unknown): void {
    const entry = decodeEntry(raw);
    if (!entry || this.held.has(entry.entryId)) return;
    if (!isRequest(entry)) {
      this.p.logger.warn(
        `malformed RPC request ${entry.entryId} on ${this.p.keys.stream}; dropped`,
      );
      return void this.settle(entry.entryId);
    }
    if (admit(entry, Date.now()) === 'expired') {
      this.p.runner.expired(entry);
      return void this.settle(entry.entryId);
    }
    this.held.set(entry.entryId, entry.deadline);
    void this.p.runner
      .run(entry, (message, final) => this.reply(entry, message, final))
      .finally(() => this.release(entry.entryId));
  }

  private release(entryId: string): void {
    this.held.delete(entryId);
    this.wake?.();
    this.wake = undefined;
  }

  private async reply(entry: RequestEntry, message: string, final: boolean): Promise<void> {
    const { commands, keys, group } = this.p;
    const pipeline = commands.pipeline().publish(entry.reply, message);
    if (final) pipeline.xack(keys.stream, group, entry.entryId).xdel(keys.stream, entry.entryId);
    await pipeline.exec().then(
      (results) => {
        const failed = results?.find(([err]) => err);
        if (failed) this.p.logger.warn(`reply to ${entry.entryId} not sent: ${String(failed[0])}`);
      },
      (err: unknown) => this.p.logger.warn(`reply to ${entry.entryId} not sent: ${String(err)}`),
    );
  }

  /** Acks and deletes a request that will not be answered (expired, malformed). */
  private async settle(...entryIds: string[]): Promise<void> {
    const { commands, keys, group } = this.p;
    await commands
      .pipeline()
      .xack(keys.stream, group, ...entryIds)
      .xdel(keys.stream, ...entryIds)
      .exec()
      .catch((err: unknown) =>
        this.p.logger.warn(`could not ack ${entryIds.join()}: ${String(err)}`),
      );
  }

  private async beat(): Promise<void> {
    const { commands, keys, consumer, tuning } = this.p;
    if (this.stopping || commands.status !== 'ready') return;
    const now = Date.now();
    await commands
      .pipeline()
      .zadd(keys.replicas, now + tuning.replicaTtlMs, consumer)
      .zremrangebyscore(keys.replicas, '-inf', `(${now}`)
      .pexpire(keys.replicas, tuning.replicaTtlMs * 2)
      .exec()
      .catch((err: unknown) => this.p.logger.warn(`heartbeat on ${keys.replicas}: ${String(err)}`));
  }

  /** Gives up held requests past their deadline, touches the rest, and claims dead replicas'. */
  private async tick(): Promise<void> {
    const { commands, keys, group, consumer, tuning } = this.p;
    if (this.ticking || commands.status !== 'ready') return;
    this.ticking = true;
    try {
      const now = Date.now();
      const expired = [...this.held].filter(([, deadline]) => deadline <= now).map(([id]) => id);
      // The caller stopped waiting: the entry leaves the stream even if its handler runs on.
      for (const id of expired) this.release(id);
      if (expired.length > 0) await this.settle(...expired);
      const held = [...this.held.keys()];
      // XCLAIM to itself resets the idle time, so no other replica takes what this one runs.
      // (One stalled past minIdleMs may lose an entry and take it back here: both then run
      // it, as a retry would; commands are idempotent by key, DESIGN §9.)
      if (held.length > 0)
        await commands.xclaim(keys.stream, group, consumer, 0, ...held, 'JUSTID');
      const room = tuning.maxInFlight - this.held.size;
      if (this.stopping || room <= 0) return;
      const claimed = await commands.xautoclaim(
        keys.stream, group, consumer, tuning.minIdleMs, '0-0', 'COUNT', room,
      ); // prettier-ignore
      for (const raw of decodeAutoClaim(claimed).entries) this.take(raw);
    } catch (err) {
      this.p.logger.warn(`claiming on ${keys.stream}: ${String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  private async prune(): Promise<void> {
    const { commands, keys, group, consumer, tuning } = this.p;
    if (this.stopping || commands.status !== 'ready') return;
    try {
      const consumers = decodeConsumers(await commands.xinfo('CONSUMERS', keys.stream, group));
      for (const name of staleConsumers(consumers, consumer, tuning.staleConsumerMs))
        await commands.xgroup('DELCONSUMER', keys.stream, group, name);
    } catch (err) {
      this.p.logger.warn(`pruning consumers of ${keys.stream}: ${String(err)}`);
    }
  }
}
