import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type BaseConfig } from '@pingvas/common';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl, SUBSCRIBER_CONNECTION } from './redis-options';

/** The broadcast channel of revocations under an RPC namespace: every process subscribes. */
export const apiKeyRevocationChannel = (namespace: string) => `${namespace}:apikey-revoked`;

/**
 * A revoked API key, told to every replica of every service at once, so none keeps answering
 * from its cache of verified keys (DESIGN §15: caches that must agree are invalidated by
 * events). Pub/sub on purpose: every process must hear it, and a lost message costs no more
 * than the cache's own lifetime (API_KEY_CACHE_MS), after which the key is asked for again.
 * Connections are made on first use, so a process that neither revokes nor caches keys opens
 * none.
 */
@Injectable()
export class ApiKeyRevocations implements OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyRevocations.name);
  private readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: BaseConfig) {
    this.channel = apiKeyRevocationChannel(config.rpc.namespace);
  }

  /** Best effort: the key is already refused by user-service; this only shortens the caches. */
  async announce(keyId: string): Promise<void> {
    this.publisher ??= this.connection(false);
    await this.publisher
      .publish(this.channel, keyId)
      .catch((err: unknown) => this.logger.warn(`revocation not announced: ${String(err)}`));
  }

  /** Calls `listener` with the id of each key revoked from now on (re-subscribed on reconnect). */
  listen(listener: (keyId: string) => void): void {
    if (this.subscriber) throw new Error('ApiKeyRevocations has one listener per process');
    const subscriber = (this.subscriber = this.connection(true));
    subscriber.on('message', (_channel: string, keyId: string) => listener(keyId));
    subscriber
      .subscribe(this.channel)
      .catch((err: unknown) => this.logger.warn(`revocations not followed yet: ${String(err)}`));
  }

  private connection(subscriber: boolean): Redis {
    const redis = new Redis({
      ...redisOptionsFromUrl(this.config.redis.url),
      retryStrategy: reconnectDelay,
      // A publish fails fast while Redis is away; the SUBSCRIBE waits for it however long.
      maxRetriesPerRequest: subscriber ? null : 1,
      ...(subscriber ? SUBSCRIBER_CONNECTION : {}),
    });
    redis.on('error', () => undefined);
    return redis;
  }

  onApplicationShutdown(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}
