import { ClientRedis, type ReadPacket, ServerRedis, type WritePacket } from '@nestjs/microservices';
import type { RedisOptions as NestRedisOptions } from '@nestjs/microservices';
import type { RpcErrorPayload } from '@pingvas/contracts';
import { reconnectDelay } from './redis-options';

type TransportOptions = NonNullable<NestRedisOptions['options']> & { namespace: string };

/**
 * Redis pub/sub channels are global to the Redis instance, whatever the DB index, so every
 * channel is prefixed with a namespace (`pingvas:dev`, `pingvas:prod`, one per test file).
 */
function channelOf(namespace: string, pattern: string): string {
  return `${namespace}:${pattern}`;
}

/** Nest's Redis server with namespaced channels and reconnection forever. */
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
 * Nest's Redis client with namespaced channels, reconnection forever, and one more rule: a
 * request that reaches no subscriber fails at once instead of waiting for its timeout.
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
