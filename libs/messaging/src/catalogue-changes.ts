import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type BaseConfig } from '@pingvas/common';
import { type CatalogueChange, catalogueChangesChannel } from '@pingvas/contracts';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl, SUBSCRIBER_CONNECTION } from './redis-options';

/** What a follower hears: a change, or `reset` when anything may have been missed. */
export type CatalogueEvent = CatalogueChange | { kind: 'reset' };

/**
 * Plan and model changes, told to every replica at once so their caches drop what changed
 * (DESIGN §15). Pub/sub on purpose: every process must hear each message, and none of it is
 * the truth. What pub/sub can lose is covered: a follower hears `reset` each time its
 * subscription is (re)made, since messages sent while it was away are gone, and `following`
 * is false meanwhile, so a cache neither serves nor keeps anything then. A publish that fails
 * (Redis away at the owner) is covered only by the cache's own lifetime. Connections are made
 * on first use.
 */
@Injectable()
export class CatalogueChanges implements OnApplicationShutdown {
  private readonly logger = new Logger(CatalogueChanges.name);
  private readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;
  private subscribed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: BaseConfig) {
    this.channel = catalogueChangesChannel(config.rpc.namespace);
  }

  /** Best effort, after the change committed: followers' caches also expire by themselves. */
  async announce(change: CatalogueChange): Promise<void> {
    this.publisher ??= this.connection(false);
    await this.publisher
      .publish(this.channel, JSON.stringify(change))
      .catch((err: unknown) => this.logger.warn(`catalogue change not announced: ${String(err)}`));
  }

  /** Whether every change is heard right now (the subscription is up). */
  get following(): boolean {
    return this.subscribed;
  }

  /** Calls `listener` with each change from now on, and `reset` on every (re)subscription. */
  listen(listener: (event: CatalogueEvent) => void): void {
    if (this.subscriber) throw new Error('CatalogueChanges has one listener per process');
    const subscriber = (this.subscriber = this.connection(true));
    subscriber.on('message', (_channel: string, message: string) => {
      const change = parseChange(message);
      listener(change ?? { kind: 'reset' });
    });
    subscriber.on('close', () => (this.subscribed = false));
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          this.subscribed = true;
          listener({ kind: 'reset' });
        },
        (err: unknown) => this.logger.warn(`catalogue changes not followed yet: ${String(err)}`),
      );
    });
  }

  private connection(subscriber: boolean): Redis {
    const redis = new Redis({
      ...redisOptionsFromUrl(this.config.redis.url),
      retryStrategy: reconnectDelay,
      maxRetriesPerRequest: subscriber ? null : 1,
      // The follower subscribes again itself on each 'ready' and learns when that is done.
      ...(subscriber ? { ...SUBSCRIBER_CONNECTION, autoResubscribe: false } : {}),
    });
    redis.on('error', () => undefined);
    return redis;
  }

  onApplicationShutdown(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}

function parseChange(message: string): CatalogueChange | undefined {
  try {
    const change = JSON.parse(message) as CatalogueChange;
    return change.kind === 'plan' || change.kind === 'model' ? change : undefined;
  } catch {
    return undefined;
  }
}
