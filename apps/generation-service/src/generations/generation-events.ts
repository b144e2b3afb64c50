import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type BaseConfig } from '@pingvas/common';
import { type GenerationEvent, GenerationChannels } from '@pingvas/contracts';
import { reconnectDelay, redisOptionsFromUrl, SUBSCRIBER_CONNECTION } from '@pingvas/messaging';
import Redis from 'ioredis';

type Listener = (event: GenerationEvent) => void;

/**
 * Live generation events over Redis pub/sub: the worker publishes `started` and `progress`,
 * this service `queued` and the final ones once the database says so. One subscriber
 * connection per process fans events out to the SSE streams open here. Pub/sub is not durable,
 * so a stream always starts from the database's state and only then follows live events.
 */
@Injectable()
export class GenerationEvents implements OnApplicationShutdown {
  private readonly logger = new Logger(GenerationEvents.name);
  private readonly channel: string;
  private readonly publisher: Redis;
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(@Inject(APP_CONFIG) private readonly config: BaseConfig) {
    this.channel = GenerationChannels.events(config.queue.prefix);
    this.publisher = this.connection('publisher');
  }

  private connection(role: 'publisher' | 'subscriber'): Redis {
    const redis = new Redis({
      ...redisOptionsFromUrl(this.config.redis.url),
      retryStrategy: reconnectDelay,
      maxRetriesPerRequest: 1,
      ...(role === 'subscriber' ? SUBSCRIBER_CONNECTION : {}),
    });
    // Outages show in /ready and in the calls that fail; an unhandled 'error' would crash.
    redis.on('error', () => undefined);
    return redis;
  }

  /** Best effort: a lost event only delays what a client sees, never what is stored. */
  async publish(event: GenerationEvent): Promise<void> {
    await this.publisher
      .publish(this.channel, JSON.stringify(event))
      .catch((err: unknown) => this.logger.warn(`event not published: ${String(err)}`));
  }

  /** Wakes idle workers at once (they poll too, so a lost wake-up only costs latency). */
  async announceJob(queue: string): Promise<void> {
    await this.publisher
      .publish(GenerationChannels.jobAdded(this.config.queue.prefix), queue)
      .catch(() => undefined);
  }

  /**
   * Tells the worker running a job to stop: a flag it reads when it takes the job (it may be
   * retried elsewhere) and a message for the one running it now. Rejects if Redis is away.
   */
  async requestCancel(generationId: string): Promise<void> {
    const prefix = this.config.queue.prefix;
    await this.publisher.set(
      GenerationChannels.cancelFlag(prefix, generationId),
      '1',
      'EX',
      7 * 86_400,
    );
    await this.publisher.publish(GenerationChannels.cancel(prefix), generationId);
  }

  /** Calls `listener` with each live event of one generation until the returned function runs. */
  async follow(generationId: string, listener: Listener): Promise<() => void> {
    await this.ensureSubscribed();
    let set = this.listeners.get(generationId);
    if (!set) this.listeners.set(generationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(generationId);
    };
  }

  private ensureSubscribed(): Promise<unknown> {
    if (!this.subscribed) {
      const subscriber = (this.subscriber = this.connection('subscriber'));
      subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
      this.subscribed = subscriber.subscribe(this.channel).catch((err: unknown) => {
        this.subscribed = undefined;
        throw err;
      });
    }
    return this.subscribed;
  }

  private dispatch(message: string): void {
    let event: GenerationEvent;
    try {
      event = JSON.parse(message) as GenerationEvent;
    } catch {
      return;
    }
    for (const listener of this.listeners.get(event.generationId) ?? []) listener(event);
  }

  async onApplicationShutdown(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber?.disconnect();
  }
}
