import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_CONFIG, type BaseConfig } from '@pingvas/common';
import { type GenerationEvent, GenerationChannels } from '@pingvas/contracts';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl, SUBSCRIBER_CONNECTION } from '../redis-options';

/** The two Redis connections of the live channel, injected (and closed) by the module. */
export const LIVE_PUBLISHER = Symbol('LIVE_PUBLISHER');
export const LIVE_SUBSCRIBER = Symbol('LIVE_SUBSCRIBER');

/** How long a cancel flag outlives its request: longer than any job may wait or run. */
const CANCEL_FLAG_TTL_S = 7 * 86_400;

type Listener<T> = (value: T) => void;

/**
 * The live protocol between generation-service and the GPU workers, in one place: progress
 * events behind the SSE streams, the cancel flag and its wake-up, and the job-added wake-up
 * of idle workers. It is Redis pub/sub on purpose: each message is for every process that
 * listens (any replica may hold the SSE stream or run the job), and none of it is the truth.
 * The database holds the generation's state and the cancel flag is a key, so a lost message
 * only delays what someone sees.
 */
@Injectable()
export class GenerationChannel implements OnApplicationShutdown {
  private readonly logger = new Logger(GenerationChannel.name);
  private readonly prefix: string;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private readonly followers = new Map<string, Set<Listener<GenerationEvent>>>();

  constructor(
    @Inject(APP_CONFIG) config: BaseConfig,
    @Inject(LIVE_PUBLISHER) private readonly publisher: Redis,
    @Inject(LIVE_SUBSCRIBER) private readonly subscriber: Redis,
  ) {
    this.prefix = config.queue.prefix;
    subscriber.on('message', (channel: string, message: string) =>
      this.handlers.get(channel)?.(message),
    );
  }

  /** Best effort: a lost event only delays what a client sees, never what is stored. */
  async publish(event: GenerationEvent): Promise<void> {
    await this.publisher
      .publish(GenerationChannels.events(this.prefix), JSON.stringify(event))
      .catch((err: unknown) => this.logger.warn(`event not published: ${String(err)}`));
  }

  /** Wakes idle workers at once (they poll too, so a lost wake-up only costs latency). */
  async announceJob(queue: string): Promise<void> {
    await this.publisher.publish(GenerationChannels.jobAdded(this.prefix), queue).catch(() => {
      /* the poll finds the job a moment later */
    });
  }

  /**
   * Tells the worker running a job to stop: a flag it reads when it takes the job (it may be
   * retried elsewhere) and a message for the one running it now. Rejects if Redis is away.
   */
  async requestCancel(generationId: string): Promise<void> {
    await this.publisher.set(
      GenerationChannels.cancelFlag(this.prefix, generationId),
      '1',
      'EX',
      CANCEL_FLAG_TTL_S,
    );
    await this.publisher.publish(GenerationChannels.cancel(this.prefix), generationId);
  }

  /** Whether a cancel was asked for this generation (read when a worker takes its job). */
  async cancelRequested(generationId: string): Promise<boolean> {
    return (
      (await this.publisher.get(GenerationChannels.cancelFlag(this.prefix, generationId))) !== null
    );
  }

  /** Calls `listener` with each live event of one generation until the returned function runs. */
  async follow(generationId: string, listener: Listener<GenerationEvent>): Promise<() => void> {
    await this.listen(GenerationChannels.events(this.prefix), (message) => {
      const event = parseEvent(message);
      if (event) for (const l of this.followers.get(event.generationId) ?? []) l(event);
    });
    let set = this.followers.get(generationId);
    if (!set) this.followers.set(generationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.followers.delete(generationId);
    };
  }

  /** Calls `listener` with the id of each generation whose cancel is asked from now on. */
  onCancel(listener: Listener<string>): Promise<unknown> {
    return this.listen(GenerationChannels.cancel(this.prefix), listener);
  }

  /** Calls `listener` with the queue name each time a job is added. */
  onJobAdded(listener: Listener<string>): Promise<unknown> {
    return this.listen(GenerationChannels.jobAdded(this.prefix), listener);
  }

  /** One SUBSCRIBE per channel and process; a failed one is tried again by the next caller. */
  private listen(channel: string, handler: (message: string) => void): Promise<unknown> {
    if (!this.handlers.has(channel)) this.handlers.set(channel, handler);
    let subscribed = this.subscriptions.get(channel);
    if (!subscribed) {
      subscribed = this.subscriber.subscribe(channel).catch((err: unknown) => {
        this.subscriptions.delete(channel);
        this.handlers.delete(channel);
        throw err;
      });
      this.subscriptions.set(channel, subscribed);
    }
    return subscribed;
  }

  onApplicationShutdown(): void {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

function parseEvent(message: string): GenerationEvent | undefined {
  try {
    return JSON.parse(message) as GenerationEvent;
  } catch {
    return undefined;
  }
}

function liveConnection(config: BaseConfig, subscriber: boolean): Redis {
  const redis = new Redis({
    ...redisOptionsFromUrl(config.redis.url),
    retryStrategy: reconnectDelay,
    maxRetriesPerRequest: 1,
    ...(subscriber ? SUBSCRIBER_CONNECTION : {}),
  });
  // Outages show in /ready and in the calls that fail; an unhandled 'error' would crash.
  redis.on('error', () => undefined);
  return redis;
}

/** The channel and its connections, for the module of a process that uses it. */
export const GENERATION_CHANNEL_PROVIDERS: Provider[] = [
  {
    provide: LIVE_PUBLISHER,
    inject: [APP_CONFIG],
    useFactory: (config: BaseConfig) => liveConnection(config, false),
  },
  {
    provide: LIVE_SUBSCRIBER,
    inject: [APP_CONFIG],
    useFactory: (config: BaseConfig) => liveConnection(config, true),
  },
  GenerationChannel,
];
