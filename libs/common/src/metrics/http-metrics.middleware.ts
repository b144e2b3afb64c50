import type { NextFunction, Request, Response } from 'express';
import type { MetricsRegistry } from './metrics.registry';

/** The route template (`/api/v1/images/:id`), never the raw path: labels must stay few. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

export function httpMetricsMiddleware(metrics: MetricsRegistry) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      stop({ method: req.method, route: routeOf(req), status_code: String(res.statusCode) });
    });
    next();
  };
}
