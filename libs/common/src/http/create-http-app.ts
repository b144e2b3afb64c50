import { type DynamicModule, type INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoRoot } from 'pino';
import type { BaseConfig } from '../config/env';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { bodyParsers } from './body-parsers';
import { answerClientErrorsAsJson } from './client-errors';
import { corsOptions } from './cors';
import { ROOT_LOGGER } from '../logging/access-log';
import { requestEntryMiddleware } from './request-entry';

export const API_PREFIX = 'api/v1';

/** Routes that stay at the root: probes, metrics and well-known documents. */
export const UNPREFIXED = [
  { path: 'health', method: RequestMethod.GET },
  { path: 'ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  { path: '.well-known/*path', method: RequestMethod.GET },
];

export interface HttpAppOptions {
  /** OpenAPI title; omit for processes with no public API (the GPU worker). */
  docsTitle?: string;
}

/**
 * Builds a Nest HTTP app with the platform's conventions (DESIGN §1, §10): request ids and the
 * access log first (`/health` answered there),
 * body size limits, `/api/v1` prefix, metrics,
 * and OpenAPI at `/docs`.
 */
export async function createHttpApp(
  module: DynamicModule,
  config: BaseConfig,
  options: HttpAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  answerClientErrorsAsJson(app.getHttpServer());
  app.disable('x-powered-by');
  // API JSON is not revalidated: hashing every body for an ETag costs more than it saves
  // (image files set their own ETag and answer 304 themselves).
  app.set('etag', false);
  // Which proxies may set X-Forwarded-For: rate limits key on the client's real address.
  app.set('trust proxy', config.http.trustProxy === 'false' ? false : config.http.trustProxy);
  const metrics = app.get(MetricsRegistry);
  app.use(requestEntryMiddleware(app.get<PinoRoot>(ROOT_LOGGER), metrics));
  // None by default: only origins named in CORS_ORIGINS may call from another site's pages.
  if (config.http.corsOrigins.length > 0) app.enableCors(corsOptions(config.http.corsOrigins));
  app.use(httpMetricsMiddleware(metrics));
  app.use(...bodyParsers(config.http.bodyLimit));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });

  if (options.docsTitle) {
    const title = options.docsTitle;
    // Built on the first request to /docs, not at boot: the document is megabytes every process would hold idle.
    SwaggerModule.setup('docs', app, () =>
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder().setTitle(title).setVersion('1').addBearerAuth().build(),
      ),
    );
  }
  return app;
}
