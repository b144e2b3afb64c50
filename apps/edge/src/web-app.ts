import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Response } from 'express';

/** Vite puts content-hashed file names under assets/: a new build never reuses a URL. */
const HASHED = /^\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: revalidate each time (cheap with ETag), so a deploy shows at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT = `<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>Pingvas</title></head>
<body><h1>The web app is not built</h1>
<p>Run <code>npm run build:web</code> (it writes apps/web/dist), then reload. The API answers at /api/v1 and its reference at /api/docs.</p>
</body></html>
`;

function setCacheHeaders(res: Response, path: string, dist: string): void {
  const relative = path.slice(dist.length).replace(/\\/g, '/');
  res.setHeader('Cache-Control', HASHED.test(relative) ? IMMUTABLE : REVALIDATE);
}

/**
 * The built single-page app: files from `dist` with long caching for hashed assets, and
 * index.html for every other GET (client-side routes such as /gallery/123), never cached.
 * A missing asset stays a 404, so a stale page never gets HTML for its script.
 */
export function webApp(dist: string): RequestHandler[] {
  const index = join(dist, 'index.html');
  const files = express.static(dist, {
    index: false,
    redirect: false,
    setHeaders: (res, path) => setCacheHeaders(res, path, dist),
  });
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || HASHED.test(req.path)) return next();
    if (req.path.startsWith('/api/')) return next();
    if (!existsSync(index)) {
      res.status(503).setHeader('Cache-Control', 'no-store');
      return void res.type('html').send(NOT_BUILT);
    }
    res.setHeader('Cache-Control', REVALIDATE);
    res.sendFile(index);
  };
  return [files, fallback];
}
