import { Logger } from '@nestjs/common';
import {
  ClientProxy,
  type MsPattern,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import type { RpcErrorPayload } from '@pingvas/contracts';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { defer, mergeMap, Observable, throwError, timeout } from 'rxjs';
import { SUBSCRIBER_CONNECTION } from '../redis-options';
import {
  closeConnection,
  openConnection,
  RedisScript,
  type StreamTransportOptions,
} from './stream-connections';
import { replyChannel, requestFields, serviceOf, streamKeys, trimMinId } from './stream-protocol';

export const NO_SUBSCRIBER: RpcErrorPayload = {
  code: 'UPSTREAM_UNAVAILABLE',
  message: 'No instance of the service is listening',
};

/**
 * Adds a request to its service's stream only while a replica's heartbeat holds (one round
 * trip, nothing left behind for nobody), trimming what is past every deadline.
 * KEYS: stream, replicas. ARGV: now, minId, then the entry's fields.
 */
const SEND = new RedisScript(`
if redis.call('ZCOUNT', KEYS[2], ARGV[1], '+inf') == 0 then return 0 end
redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[2], '*', unpack(ARGV, 3))
return 1`);

export interface StreamSendOptions {
  /** When the caller gives up; the request carries it as its deadline. */
  timeoutMs?: number;
}

/**
 * The caller's side: each request goes to its service's stream with a deadline and this
 * instance's reply channel; replies come back on that channel, one subscriber for the client's
 * whole life. The subscriber connection has no ready check (SUBSCRIBER_CONNECTION).
 */
export class StreamRpcClient extends ClientProxy {
  protected readonly logger = new Logger('RpcClient');
  readonly clientId = randomUUID();
  private readonly namespace: string;
  private readonly redisOptions: Omit<StreamTransportOptions, 'namespace'>;
  private readonly defaultTimeoutMs: number;
  private commands?: Redis;
  private subscriber?: Redis;
  private firstConnection?: Promise<void>;
  private firstSettled = false;
  private subscribed = false;
  private closed = false;

  constructor(options: StreamTransportOptions & { timeoutMs?: number }) {
    super();
    const { namespace, timeoutMs, ...redis } = options;
    this.namespace = namespace;
    this.redisOptions = redis;
    this.defaultTimeoutMs = timeoutMs ?? 3000;
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  get replyChannel(): string {
    return replyChannel(this.namespace, this.clientId);
  }

  /**
   * Waits for the first connection; after it, fails at once while Redis is away (the caller
   * answers 503 now rather than at its timeout).
   */
  connect(): Promise<void> {
    if (!this.commands || !this.subscriber) this.open();
    const ready =
      this.subscribed && this.commands?.status === 'ready' && this.subscriber?.status === 'ready';
    if (ready) return Promise.resolve();
    if (!this.firstSettled && this.firstConnection) return this.firstConnection;
    return Promise.reject(new Error('Redis connection lost; reconnecting'));
  }

  private open(): void {
    this.closed = false;
    const closed = () => this.closed;
    const commands = openConnection(this.redisOptions, 'client', closed, this.logger);
    const subscriber = openConnection(
      this.redisOptions,
      'client-replies',
      closed,
      this.logger,
      SUBSCRIBER_CONNECTION,
    );
    subscriber.on('message', (_channel: string, message: string) =>
      this.onReply(message).catch((err: unknown) =>
        this.logger.warn(`RPC reply not read: ${String(err)}`),
      ),
    );
    // Sent as soon as the socket opens; ioredis subscribes again after every reconnect.
    const subscribed = subscriber.subscribe(this.replyChannel);
    const ready = (redis: Redis) =>
      redis.status === 'ready' ? Promise.resolve() : new Promise((r) => redis.once('ready', r));
    subscribed.then(
      () => (this.subscribed = true),
      (err: unknown) =>
        this.logger.warn(`could not subscribe to ${this.replyChannel}: ${String(err)}`),
    );
    this.firstConnection = Promise.race([
      Promise.all([ready(commands), ready(subscriber), subscribed]).then(() => undefined),
      new Promise<never>((_, reject) =>
        commands.once('error', (err: Error) => reject(new Error(`Redis: ${err.message}`))),
      ),
    ]);
    this.firstConnection.then(
      () => (this.firstSettled = true),
      () => (this.firstSettled = true),
    );
    this.commands = commands;
    this.subscriber = subscriber;
  }

  async close(): Promise<void> {
    this.closed = true;
    const err = new Error('Connection closed');
    for (const callback of this.routingMap.values()) callback({ err, isDisposed: true });
    this.routingMap.clear();
    await Promise.all([closeConnection(this.commands), closeConnection(this.subscriber)]);
    this.commands = this.subscriber = this.firstConnection = undefined;
    this.firstSettled = this.subscribed = false;
  }

  /** `[commands, subscriber]`: the tests look at each connection's options. */
  override unwrap<T>(): T;
  override unwrap(): [Redis, Redis] {
    if (!this.commands || !this.subscriber) throw new Error('Not connected: call connect() first');
    return [this.commands, this.subscriber];
  }

  /** Nest's `send`, with the caller's timeout: the request's deadline and its rxjs `timeout`. */
  override send<TResult = unknown, TInput = unknown>(
    pattern: MsPattern,
    data: TInput,
    options: StreamSendOptions = {},
  ): Observable<TResult> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    if (pattern === undefined || pattern === null || data === undefined || data === null)
      return throwError(() => new Error('An RPC needs a pattern and data'));
    return defer(() => {
      const deadline = Date.now() + timeoutMs;
      return defer(() => this.connect()).pipe(
        mergeMap(
          () =>
            new Observable<TResult>((observer) =>
              this.publishBefore({ pattern, data }, this.createObserver(observer), deadline),
            ),
        ),
      );
    }).pipe(timeout(timeoutMs));
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return this.publishBefore(packet, callback, Date.now() + this.defaultTimeoutMs);
  }

  private publishBefore(
    partial: ReadPacket,
    callback: (packet: WritePacket) => void,
    deadline: number,
  ): () => void {
    const pattern = this.normalizePattern(partial.pattern);
    const { id } = this.assignPacketId(partial);
    const packet = JSON.stringify(this.serializer.serialize({ id, pattern, data: partial.data }));
    const keys = streamKeys(this.namespace, serviceOf(pattern));
    const fields = requestFields({ packet, deadline, reply: this.replyChannel });
    const now = Date.now();
    this.routingMap.set(id, callback);
    const failWith = (err: unknown) => {
      if (this.routingMap.delete(id)) callback({ err, isDisposed: true });
    };
    if (!this.commands) {
      failWith(new Error('Not connected'));
      return () => undefined;
    }
    SEND.run(this.commands, [keys.stream, keys.replicas], [now, trimMinId(now), ...fields]).then(
      (added) => added === 0 && failWith(NO_SUBSCRIBER),
      failWith,
    );
    return () => this.routingMap.delete(id);
  }

  protected dispatchEvent(): Promise<never> {
    // Events every replica must see stay on pub/sub (the live channel); none rides RPC.
    return Promise.reject(new Error('The RPC transport carries requests only, not events'));
  }

  private async onReply(message: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      return this.logger.warn('RPC reply is not JSON; dropped');
    }
    const { err, response, isDisposed, id } = await this.deserializer.deserialize(raw);
    const callback = id === undefined ? undefined : this.routingMap.get(id);
    if (!callback) return;
    callback(isDisposed || err ? { err, response, isDisposed: true } : { err, response });
  }
}
