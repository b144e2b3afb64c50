import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { accessLoggerOf, logAccess } from '../logging/access-log';
import { QUIET_PATHS } from '../logging/logger-params';
import type { MetricsRegistry } from '../metrics/metrics.registry';
import { requestContext } from './request-context';
import { chooseRequestId, REQUEST_ID_HEADER } from './request-id';

type RequestWithId = Request & { id?: unknown };

const LIVE_BODY = JSON.stringify({ status: 'ok' });

/** `GET /health` answered here, before parsing and routing: it checks nothing, only that the process answers. */
function answerLive(res: Response, metrics: MetricsRegistry): void {
  const stop = metrics.httpDuration.startTimer();
  res.once('finish', () => stop({ method: 'GET', route: '/health', status_code: '200' }));
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', LIVE_BODY.length);
  res.end(LIVE_BODY);
}

/**
 * First middleware of every app: fixes the request id before logging, parsing or routing can
 * fail, runs the rest inside it (every log line of the request carries it), and writes the
 * request's access line when its response ends; probes and scrapes are not logged.
 */
export function requestEntryMiddleware(logger: Logger, metrics: MetricsRegistry) {
  const accessLogger = accessLoggerOf(logger);
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = chooseRequestId(req.headers[REQUEST_ID_HEADER]);
    (req as RequestWithId).id = id;
    res.setHeader('X-Request-Id', id);
    const url = req.url;
    if (url === '/health' && req.method === 'GET') return answerLive(res, metrics);
    const query = url.indexOf('?');
    if (!QUIET_PATHS.has(query < 0 ? url : url.slice(0, query)))
      logAccess(accessLogger, req, res, id, Date.now());
    requestContext.run({ requestId: id }, next);
  };
}
