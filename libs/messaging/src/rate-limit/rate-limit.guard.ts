import { createHash } from 'node:crypto';
import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { AppError, APP_CONFIG, type BaseConfig } from '@pingvas/common';
import type { Response } from 'express';

/**
 * @nestjs/throttler with the platform's rules: counters in Redis under this environment's
 * namespace (so replicas share them and test files do not), `Retry-After` on every 429 with
 * code RATE_LIMITED, and a 503 (never a 500, never a silent pass) when Redis cannot count.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (err) {
      if (err instanceof AppError || err instanceof ThrottlerException) throw err;
      throw new AppError('UPSTREAM_UNAVAILABLE', 'Rate limits cannot be checked right now');
    }
  }

  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const digest = createHash('sha256').update(`${route}|${tracker}`).digest('hex');
    return `${this.config.rpc.namespace}:ratelimit:${name}:${digest}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfter} s`, {
      retryAfterSeconds: retryAfter,
    });
  }
}
