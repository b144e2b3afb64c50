import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loggerParams } from '@pingvas/common';
import { API_BASE, isSsePath, SERVICE_KEYS, SERVICES } from '@pingvas/contracts';
import compression from 'compression';
import express, { type Express, type Request, type Response } from 'express';
import pino from 'pino';
import { type Options as PinoHttpOptions, pinoHttp } from 'pino-http';
import { apiDocs } from './api-docs';
import { apiProxy, sendError } from './api-proxy';
import type { EdgeConfig } from './config';
import { securityHeaders } from './security-headers';
import { webApp } from './web-app';

const CHECK_TIMEOUT_MS = 2000;

/** Never compress an event stream: gzip holds bytes back until a block fills. */
function compressible(req: Request, res: Response): boolean {
  const type = String(res.getHeader('Content-Type') ?? '');
  if (type.startsWith('text/event-stream') || isSsePath(req.path)) return false;
  return compression.filter(req, res);
}

/** Ready when every service answers its /health: the edge is only as useful as they are. */
async function upstreamChecks(config: EdgeConfig): Promise<Record<string, string>> {
  const results = await Promise.all(
    SERVICE_KEYS.map(async (key) => {
      try {
        const res = await fetch(`${config.upstreams[key]}/health`, {
          signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        });
        return [SERVICES[key].name, res.ok ? 'up' : `down (${res.status})`] as const;
      } catch (err) {
        return [SERVICES[key].name, `down (${err instanceof Error ? err.message : err})`] as const;
      }
    }),
  );
  return Object.fromEntries(results);
}

export function createEdgeApp(config: EdgeConfig, logger: pino.Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ ...(loggerParams(config).pinoHttp as PinoHttpOptions), logger }));
  app.use(compression({ filter: compressible }));

  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/ready', async (req, res) => {
    const checks = await upstreamChecks(config);
    const down = Object.entries(checks).filter(([, state]) => state !== 'up');
    if (down.length === 0) return void res.json({ status: 'ok', checks });
    sendError(req, res, 503, 'NOT_READY', `Not ready: ${down.map(([n]) => n).join(', ')} down`);
  });

  app.use(apiProxy(config, logger));
  app.use(API_BASE, (req, res) =>
    sendError(req, res, 404, 'NOT_FOUND', `No service answers ${API_BASE}${req.path}`),
  );

  app.use(securityHeaders(config.imageSources));
  app.use(apiDocs(config));
  app.use(...webApp(config.webDist));
  app.use((req: Request, res: Response) =>
    sendError(req, res, 404, 'NOT_FOUND', `Nothing at ${req.path}`),
  );
  return app;
}

export interface RunningEdge {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listens; `close` stops taking connections, then ends open streams (SSE) after a grace. */
export async function startEdge(config: EdgeConfig): Promise<RunningEdge> {
  const logger = pino({
    level: config.logLevel,
    base: { service: config.processName, env: config.appEnv },
    messageKey: 'msg',
  });
  const server = createServer(createEdgeApp(config, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ context: 'Http', webDist: config.webDist }, `listening on ${url}`);
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        const grace = setTimeout(() => server.closeAllConnections(), 2000);
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
