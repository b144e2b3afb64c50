import { type DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { BaseConfig } from './config/env';
import { APP_CONFIG } from './config/config.tokens';
import { AppErrorFilter } from './errors/app-error.filter';
import { createValidationPipe } from './errors/validation';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { loggerParams, QUIET_PATHS } from './logging/logger-params';
import { ALL_ROUTES } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics.registry';

/**
 * What every process has: its validated config, pino logging, `/health`, `/ready`, `/metrics`,
 * and the global validation pipe and error filter (for HTTP and RPC alike).
 * Global, so feature modules inject APP_CONFIG, MetricsRegistry and ReadinessRegistry directly.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          ...loggerParams(config),
          forRoutes: [{ path: ALL_ROUTES, method: RequestMethod.ALL }],
          // A child logger per probe costs more than the probe itself; probes log nothing anyway.
          exclude: [...QUIET_PATHS].map((path) => ({
            path: path.slice(1),
            method: RequestMethod.GET,
          })),
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AppErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        MetricsRegistry,
        ReadinessRegistry,
      ],
      exports: [APP_CONFIG, MetricsRegistry, ReadinessRegistry],
    };
  }
}
