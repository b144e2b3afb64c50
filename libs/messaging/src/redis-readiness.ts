import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type BaseConfig, ReadinessRegistry } from '@pingvas/common';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl } from './redis-options';

/**
 * `/ready`'s `redis` check: a dedicated connection with no offline queue, so a ping while
 * Redis is away fails at once instead of waiting for a reconnect.
 */
@Injectable()
export class RedisReadiness implements OnModuleInit, OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    @Inject(APP_CONFIG) config: BaseConfig,
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

  onModuleInit(): void {
    this.redis.connect().catch(() => undefined);
    this.registry.register({
      name: 'redis',
      check: async () => {
        const answer = await this.redis.ping();
        if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
