import {
  BaseRpcContext,
  type CustomTransportStrategy,
  type MessageHandler,
  Server,
  type WritePacket,
} from '@nestjs/microservices';
import { NO_MESSAGE_HANDLER } from '@nestjs/microservices/constants';
import { chooseRequestId, requestContext } from '@pingvas/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RpcServerObserver, RpcServerOutcome } from './rpc-metrics';
import { closeConnection, openConnection, type StreamTransportOptions } from './stream-connections';
import {
  type ConsumerTuning,
  DEFAULT_TUNING,
  type ReplySink,
  type RequestRunner,
  StreamConsumer,
} from './stream-consumer';
import { type RequestEntry, serviceOf, streamKeys } from './stream-protocol';

/** A handler's context: the pattern and the stream entry it came in. */
export class StreamRpcContext extends BaseRpcContext<[string, string]> {
  getPattern(): string {
    return this.args[0];
  }

  getEntryId(): string {
    return this.args[1];
  }
}

export interface StreamServerOptions extends StreamTransportOptions {
  /** The consumer's name in each group; unique per process start. */
  instanceId?: string;
  observer?: RpcServerObserver;
  tuning?: Partial<ConsumerTuning>;
  /** How long close() waits for requests being handled. */
  closeGraceMs?: number;
}

interface Packet {
  id: string;
  pattern: string;
  data: unknown;
}

function packetOf(json: string): Packet | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null || !('id' in value) || !('pattern' in value))
      return undefined;
    const { id, pattern } = value;
    const data = 'data' in value ? value.data : undefined;
    return typeof id === 'string' && typeof pattern === 'string'
      ? { id, pattern, data }
      : undefined;
  } catch {
    return undefined;
  }
}

type ConnectionEvents = Record<string, (...args: unknown[]) => void>;

/** Nest's hooks name the transport that runs a handler. */
export const STREAM_TRANSPORT = Symbol('redis-streams');

/**
 * The replicas' side: a Nest transport strategy reading each served service's stream
 * (`payment.credits.reserve` → `<ns>:rpc:payment`) in that service's consumer group, one
 * blocking connection per stream, replies and bookkeeping on a shared command connection.
 */
export class StreamRpcServer
  extends Server<ConnectionEvents>
  implements CustomTransportStrategy, RequestRunner
{
  readonly instanceId: string;
  private readonly namespace: string;
  private readonly redisOptions: Omit<StreamTransportOptions, 'namespace'>;
  private readonly observer?: RpcServerObserver;
  private readonly tuning: ConsumerTuning;
  private readonly closeGraceMs: number;
  private commands?: Redis;
  private readonly readers: Redis[] = [];
  private consumers: StreamConsumer[] = [];
  private closed = false;

  constructor(options: StreamServerOptions) {
    super();
    this.transportId = STREAM_TRANSPORT;
    const { namespace, instanceId, observer, tuning, closeGraceMs, ...redis } = options;
    this.namespace = namespace;
    this.redisOptions = redis;
    this.instanceId = instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.observer = observer;
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.closeGraceMs = closeGraceMs ?? 5000;
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  /** Boots even while Redis is down; waits briefly for the first heartbeat so callers find it. */
  listen(callback: (err?: unknown) => void): void {
    try {
      const events = [...this.messageHandlers].filter(([, h]) => h.isEventHandler);
      if (events.length > 0)
        throw new Error(`events are not carried by RPC: ${events.map(([p]) => p).join(', ')}`);
      const services = [...new Set([...this.messageHandlers.keys()].map(serviceOf))];
      const closed = () => this.closed;
      const commands = openConnection(this.redisOptions, 'server', closed, this.logger);
      commands.on('ready', () => this._status$.next('connected'));
      commands.on('reconnecting', () => this._status$.next('reconnecting'));
      this.commands = commands;
      this.consumers = services.map((service) => {
        const reader = openConnection(this.redisOptions, `reader-${service}`, closed, this.logger);
        this.readers.push(reader);
        const keys = streamKeys(this.namespace, service);
        return new StreamConsumer({
          commands,
          reader,
          keys,
          group: service,
          consumer: this.instanceId,
          runner: this,
          tuning: this.tuning,
          logger: this.logger,
        });
      });
      const announced = Promise.all(this.consumers.map((c) => c.start()));
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise((resolve) => (timer = setTimeout(resolve, 2000)));
      void Promise.race([announced.catch(() => undefined), waited]).then(() => {
        clearTimeout(timer);
        callback();
      });
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(this.consumers.map((c) => c.stop(this.closeGraceMs)));
    this.closed = true;
    await Promise.all([this.commands, ...this.readers].map(closeConnection));
  }

  /** `[commands, ...one reader per stream]`. */
  override unwrap<T>(): T;
  override unwrap(): Redis[] {
    if (!this.commands) throw new Error('Not listening: call listen() first');
    return [this.commands, ...this.readers];
  }

  on<K extends string, C extends (...args: unknown[]) => void>(event: K, callback: C): void {
    for (const redis of [this.commands, ...this.readers]) redis?.on(event, callback);
  }

  expired(entry: RequestEntry): void {
    const packet = packetOf(entry.packet);
    this.observer?.served(packet?.pattern ?? 'unknown', 'expired');
  }

  run(entry: RequestEntry, reply: ReplySink): Promise<void> {
    const packet = packetOf(entry.packet);
    if (!packet) {
      this.logger.warn(`RPC request ${entry.entryId} is not a packet; dropped`);
      return reply(JSON.stringify({ err: 'malformed request', isDisposed: true }), true);
    }
    const started = performance.now();
    const handler = this.getHandlerByPattern(packet.pattern);
    const ctx = new StreamRpcContext([packet.pattern, entry.entryId]);
    return new Promise<void>((resolve) => {
      let outcome: RpcServerOutcome = handler ? 'ok' : 'no_handler';
      const respond = async (response: WritePacket): Promise<void> => {
        if (response.err && outcome === 'ok') outcome = 'error';
        const final = response.isDisposed === true;
        const message = JSON.stringify(this.serializer.serialize({ ...response, id: packet.id }));
        await reply(message, final);
        if (!final) return;
        this.onProcessingEndHook?.(STREAM_TRANSPORT, ctx);
        if (outcome === 'ok' && Date.now() > entry.deadline) outcome = 'late';
        this.observer?.served(packet.pattern, outcome, (performance.now() - started) / 1000);
        resolve();
      };
      if (!handler) return void respond({ err: NO_MESSAGE_HANDLER, isDisposed: true });
      this.start(handler, packet, ctx, respond);
    });
  }

  private start(
    handler: MessageHandler,
    packet: Packet,
    ctx: StreamRpcContext,
    respond: (response: WritePacket) => Promise<void>,
  ): void {
    // The handler runs inside the caller's request id, so its log lines (and the RPCs it
    // makes) carry that id; here rather than in an interceptor, which HTTP requests would pay.
    const data = packet.data as { requestId?: unknown } | null | undefined;
    const context = { requestId: chooseRequestId(data?.requestId), rpc: packet.pattern };
    requestContext.run(context, () => this.runHandler(handler, packet, ctx, respond));
  }

  private runHandler(
    handler: MessageHandler,
    packet: Packet,
    ctx: StreamRpcContext,
    respond: (response: WritePacket) => Promise<void>,
  ): void {
    this.onProcessingStartHook(STREAM_TRANSPORT, ctx, async () => {
      try {
        const response$ = this.transformToObservable(await handler(packet.data, ctx));
        this.send(response$, respond);
      } catch (err) {
        this.logger.error(`RPC ${packet.pattern} failed outside its handler: ${String(err)}`);
        await respond({
          err: { code: 'INTERNAL_ERROR', message: 'Internal error' },
          isDisposed: true,
        });
      }
    });
  }
}
