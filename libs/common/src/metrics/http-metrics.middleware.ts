import type { NextFunction, Request, Response } from 'express';
import type { MetricsRegistry } from './metrics.registry';

/** The catch-all path that app-wide middleware (request logging) is mounted on. */
export const ALL_ROUTES = '{*everything}';

/**
 * The route template (`/api/v1/images/:id`), never the raw path: labels must stay few. When
 * no controller matched, the last route express saw is the catch-all of the middleware.
 */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || path.endsWith(ALL_ROUTES)) return 'unmatched';
  return `${req.baseUrl}${path}`;
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
