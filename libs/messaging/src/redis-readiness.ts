import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, type BaseConfig, ReadinessRegistry } from '@pingvas/common';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl } from './redis-options';
import { checkRedisPersistence } from './redis-persistence';

const FIRST_CONNECT_WAIT_MS = 2000;

/**
 * `/ready`'s `redis` check: a dedicated connection with no offline queue, so a ping while
 * Redis is away fails at once instead of waiting for a reconnect. It also checks, once
 * connected, that a production Redis persists (AOF).
 */
@Injectable()
export class RedisReadiness implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly redis: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
    private readonly registry: ReadinessRegistry,
  ) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redis.url),
      retryStrategy: reconnectDelay,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: `${config.processName}:readiness`,
    });
    // Connection errors surface through the check; an unhandled 'error' event would crash the process.
    this.redis.on('error', () => undefined);
  }

  /** Waits briefly for the first connection, so a freshly started process is ready at once. */
  async onModuleInit(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise((resolve) => (timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS)));
    const connected = this.redis.connect().then(
      () => true,
      () => false,
    );
    await Promise.race([connected, waited]);
    clearTimeout(timer);
    void connected.then(async (ok) => {
      if (ok) await checkRedisPersistence(this.redis, this.config.appEnv, this.logger);
    });
    this.registry.register({
      name: 'redis',
      check: async () => {
        const answer = await this.redis.ping();
        if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT lets Redis close the socket; disconnect() is the fallback while it is unreachable.
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
