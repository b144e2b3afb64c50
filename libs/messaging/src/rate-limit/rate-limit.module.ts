import {
  applyDecorators,
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationShutdown,
  UseGuards,
} from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { SkipThrottle, type ThrottlerOptions, ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { BaseConfig } from '@pingvas/common';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl } from '../redis-options';
import { RateLimitGuard } from './rate-limit.guard';

/** What a counter is keyed by. */
export const RATE_LIMIT_DIMENSIONS = ['ip', 'email', 'user'] as const;
export type RateLimitDimension = (typeof RATE_LIMIT_DIMENSIONS)[number];

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** What the trackers read of a request (Nest hands the throttler the platform's request). */
interface RequestWithCaller {
  ip?: string;
  socket?: { remoteAddress?: string };
  body?: unknown;
  principal?: { userId: string };
}

const TRACKERS: Record<RateLimitDimension, (req: RequestWithCaller) => string> = {
  ip: (req) => req.ip ?? req.socket?.remoteAddress ?? 'unknown',
  // Normalised like sign-up normalises it, so `A@x.io ` and `a@x.io` share one counter.
  email: (req) => {
    const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : '(none)';
  },
  user: (req) => req.principal?.userId ?? req.ip ?? 'anonymous',
};

const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/** The counters' own connection: no offline queue, so an unreachable Redis fails fast (503). */
@Module({})
class RateLimitRedisModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}

  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: RateLimitRedisModule,
      providers: [
        {
          provide: RATE_LIMIT_REDIS,
          useFactory: () => {
            const redis = new Redis({
              ...redisOptionsFromUrl(config.redis.url),
              retryStrategy: reconnectDelay,
              enableOfflineQueue: false,
              maxRetriesPerRequest: 0,
              lazyConnect: true,
            });
            redis.on('error', () => undefined);
            void redis.connect().catch(() => undefined);
            return redis;
          },
        },
      ],
      exports: [RATE_LIMIT_REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Rate limits for one service, one rule per dimension (e.g. sign-in: 10 a minute per IP and
 * per email). Routes opt in with `@RateLimit('ip', 'email')`.
 */
@Module({})
export class RateLimitModule {
  static forRoot(
    config: BaseConfig,
    rules: Partial<Record<RateLimitDimension, RateLimitRule>>,
  ): DynamicModule {
    const throttlers: ThrottlerOptions[] = Object.entries(rules).map(([name, rule]) => ({
      name,
      limit: rule.limit,
      ttl: rule.windowMs,
      blockDuration: rule.windowMs,
      getTracker: (req: RequestWithCaller) => TRACKERS[name as RateLimitDimension](req),
    }));
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          imports: [RateLimitRedisModule.forRoot(config)],
          inject: [RATE_LIMIT_REDIS],
          useFactory: (redis: Redis) => ({
            throttlers,
            storage: new ThrottlerStorageRedisService(redis),
            errorMessage: 'Too many requests',
          }),
        }),
      ],
      providers: [RateLimitGuard],
      exports: [RateLimitGuard, ThrottlerModule],
    };
  }
}

/** Counts this route's requests against the module's rules for the given dimensions. */
export function RateLimit(...dimensions: RateLimitDimension[]) {
  const skipped = RATE_LIMIT_DIMENSIONS.filter((d) => !dimensions.includes(d));
  return applyDecorators(
    SkipThrottle(Object.fromEntries(skipped.map((d) => [d, true]))),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({ description: 'RATE_LIMITED, with Retry-After in seconds' }),
  );
}
