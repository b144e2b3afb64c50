import {
  ClientRedis,
  type ReadPacket,
  type RedisContext,
  ServerRedis,
  type WritePacket,
} from '@nestjs/microservices';
import type { RedisOptions as NestRedisOptions } from '@nestjs/microservices';
import type { RpcErrorPayload } from '@pingvas/contracts';
import Redis from 'ioredis';
import { reconnectDelay, SUBSCRIBER_CONNECTION } from './redis-options';

type TransportOptions = NonNullable<NestRedisOptions['options']> & { namespace: string };

/**
 * Redis pub/sub channels are global to the Redis instance, whatever the DB index, so every
 * channel is prefixed with a namespace (`pingvas:dev`, `pingvas:prod`, one per test file).
 */
function channelOf(namespace: string, pattern: string): string {
  return `${namespace}:${pattern}`;
}

/**
 * Nest's Redis server with namespaced channels, reconnection forever, a subscriber connection
 * without the ready check, and no command of its own left to reject unhandled (a rejection
 * nobody handles stops the process).
 */
export class NamespacedRedisServer extends ServerRedis {
  private readonly namespace: string;

  constructor(options: TransportOptions) {
    const { namespace, ...rest } = options;
    super({ ...rest, maxRetriesPerRequest: null });
    this.namespace = namespace;
  }

  override getRequestPattern(pattern: string): string {
    return channelOf(this.namespace, pattern);
  }

  override getHandlerByPattern(channel: string) {
    const prefix = `${this.namespace}:`;
    return super.getHandlerByPattern(
      channel.startsWith(prefix) ? channel.slice(prefix.length) : channel,
    );
  }

  /** listen() makes the subscriber first, then the publisher. */
  override createRedisClient(): Redis {
    const subscriber = !this.subClient;
    return new Redis({
      ...this.getClientOptions(),
      lazyConnect: true,
      ...(subscriber ? SUBSCRIBER_CONNECTION : {}),
    });
  }

  /** Nest's, for exact channels (this transport sets no `wildcards`), with every promise handled. */
  override bindEvents(subClient: Redis, pubClient: Redis): void {
    subClient.on('message', (channel: string, buffer: string) => {
      this.handleMessage(channel, buffer, pubClient, channel).catch((err: unknown) =>
        this.logger.error(`RPC request on ${channel} not handled: ${String(err)}`),
      );
    });
    for (const [pattern, handler] of this.messageHandlers) {
      const channel = handler.isEventHandler ? pattern : this.getRequestPattern(pattern);
      subClient
        .subscribe(channel)
        .catch((err: unknown) => this.logger.error(`not subscribed to ${channel}: ${String(err)}`));
    }
  }

  /** A reply that cannot be sent is the caller's timeout, not this process's crash. */
  override getPublisher(pub: Redis, pattern: string, id: string, ctx: RedisContext) {
    const publish = super.getPublisher(pub, pattern, id, ctx) as (r: unknown) => Promise<unknown>;
    return (response: unknown): Promise<unknown> =>
      Promise.resolve()
        .then(() => publish(response))
        .catch((err: unknown) => this.logger.warn(`reply on ${pattern} not sent: ${String(err)}`));
  }

  /** Boots even while Redis is down; subscriptions are queued and sent once it answers. */
  override start(callback: (err?: unknown) => void): void {
    for (const client of [this.subClient, this.pubClient]) {
      client
        .connect()
        .catch((err: unknown) => this.logger.warn(`Redis not reachable yet: ${String(err)}`));
    }
    this.bindEvents(this.subClient, this.pubClient);
    callback();
  }

  override createRetryStrategy(times: number): number | undefined {
    return this.isManuallyClosed ? undefined : reconnectDelay(times);
  }
}

export const NO_SUBSCRIBER: RpcErrorPayload = {
  code: 'UPSTREAM_UNAVAILABLE',
  message: 'No instance of the service is listening',
};

/**
 * Nest's Redis client with namespaced channels, reconnection forever, a subscriber connection
 * without the ready check, no command left to reject unhandled, and one more rule: a request
 * that reaches no subscriber fails at once instead of waiting for its timeout.
 */
export class NamespacedRedisClient extends ClientRedis {
  private readonly namespace: string;

  constructor(options: TransportOptions) {
    const { namespace, ...rest } = options;
    super({ ...rest, maxRetriesPerRequest: null });
    this.namespace = namespace;
  }

  override getRequestPattern(pattern: string): string {
    return channelOf(this.namespace, pattern);
  }

  override getReplyPattern(pattern: string): string {
    return `${channelOf(this.namespace, pattern)}.reply`;
  }

  override createRetryStrategy(times: number): number | undefined {
    return this.isManuallyClosed ? undefined : reconnectDelay(times);
  }

  /** connect() makes the publisher first, then the subscriber. */
  override createClient(): Redis {
    const subscriber = Boolean(this.pubClient) && !this.subClient;
    return new Redis({
      ...this.getClientOptions(),
      lazyConnect: true,
      ...(subscriber ? SUBSCRIBER_CONNECTION : {}),
    });
  }

  /** A reply channel is left when its last request ends (Nest's teardown, made safe). */
  protected override unsubscribeFromChannel(channel: string): void {
    const count = this.subscriptionsCount.get(channel);
    // No entry: the map was cleared when the connection closed, so nothing is subscribed here.
    if (count === undefined) return;
    this.subscriptionsCount.set(channel, count - 1);
    if (count - 1 > 0) return;
    (this.subClient as Redis | null)
      ?.unsubscribe(channel)
      .catch((err: unknown) =>
        this.logger.warn(`could not unsubscribe from ${channel}: ${String(err)}`),
      );
  }

  protected override publish(
    partialPacket: ReadPacket,
    callback: (packet: WritePacket) => void,
  ): () => void {
    try {
      const packet = this.assignPacketId(partialPacket);
      const pattern = this.normalizePattern(partialPacket.pattern);
      const responseChannel = this.getReplyPattern(pattern);
      const send = () => {
        this.subscriptionsCount.set(
          responseChannel,
          (this.subscriptionsCount.get(responseChannel) ?? 0) + 1,
        );
        this.routingMap.set(packet.id, callback);
        this.pubClient
          .publish(
            this.getRequestPattern(pattern),
            JSON.stringify(this.serializer.serialize(packet)),
          )
          .then((receivers: number) => {
            if (receivers === 0 && this.routingMap.delete(packet.id)) {
              callback({ err: NO_SUBSCRIBER, isDisposed: true });
            }
          })
          .catch((err: unknown) => {
            if (this.routingMap.delete(packet.id)) callback({ err, isDisposed: true });
          });
      };
      if ((this.subscriptionsCount.get(responseChannel) ?? 0) <= 0) {
        this.subClient.subscribe(responseChannel, (err?: Error | null) =>
          err ? callback({ err, isDisposed: true }) : send(),
        );
      } else {
        send();
      }
      return () => {
        this.unsubscribeFromChannel(responseChannel);
        this.routingMap.delete(packet.id);
      };
    } catch (err) {
      callback({ err, isDisposed: true });
      return () => undefined;
    }
  }
}
