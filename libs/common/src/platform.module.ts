import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Logger, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import type { BaseConfig } from './config/env';
import { APP_CONFIG } from './config/config.tokens';
import { AppErrorFilter } from './errors/app-error.filter';
import { createValidationPipe } from './errors/validation';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { createRootLogger, ROOT_LOGGER } from './logging/access-log';
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
    // nestjs-pino's Nest logger over one root logger; no pino-http middleware: the access line
    // and the request id of every line come from requestEntryMiddleware and the request context.
    const logger = createRootLogger(config);
    return {
      module: PlatformModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AppErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: PARAMS_PROVIDER_TOKEN, useValue: { pinoHttp: { logger } } },
        Logger,
        PinoLogger,
        MetricsRegistry,
        ReadinessRegistry,
      ],
      exports: [APP_CONFIG, ROOT_LOGGER, Logger, PinoLogger, MetricsRegistry, ReadinessRegistry],
    };
  }
}
