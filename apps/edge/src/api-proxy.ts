import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type ErrorBody, SERVICES, serviceForPath } from '@pingvas/contracts';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import type { EdgeConfig } from './config';

type EdgeRequest = IncomingMessage & { id?: unknown };

/** The edge's own error answers have the suite's error body (DESIGN §10). */
export function sendError(
  req: EdgeRequest,
  res: ServerResponse,
  statusCode: number,
  code: ErrorBody['code'],
  message: string,
): void {
  const body: ErrorBody = { statusCode, code, message, requestId: String(req.id ?? '') };
  res.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * Forwards `/api/v1/<prefix>...` to the service that owns the prefix (libs/contracts
 * API_ROUTES), streaming both ways: bodies are not parsed here and responses, SSE included, are
 * passed on as they arrive. The client's address is appended to X-Forwarded-For (the services
 * trust the loopback proxy, so rate limits see the real client), and the edge's request id
 * travels on so one id names the request in both logs.
 */
export function apiProxy(
  config: EdgeConfig,
  logger: Logger,
): RequestHandler<EdgeRequest, ServerResponse> {
  const proxy = createProxyMiddleware<EdgeRequest, ServerResponse>({
    // A fresh connection per request: Node's global agent keeps sockets alive, and a request
    // sent on one the service is closing at that moment (its keep-alive timeout) fails with
    // ECONNRESET, which the edge could only answer with a 503. Upstreams are on loopback.
    agent: new Agent({ keepAlive: false }),
    pathFilter: (pathname) => serviceForPath(pathname) !== undefined,
    router: (req) => config.upstreams[serviceForPath(req.url ?? '')!],
    on: {
      proxyReq: (proxyReq, req) => {
        // httpxy's xfwd keeps a client-sent X-Forwarded-For as it is, which would let a client
        // pick the address rate limits see; append the real one, as nginx does.
        const sent = req.headers['x-forwarded-for'];
        const client = req.socket.remoteAddress ?? '';
        proxyReq.setHeader('X-Forwarded-For', sent ? `${String(sent)}, ${client}` : client);
        proxyReq.setHeader('X-Forwarded-Proto', 'http');
        if (req.headers.host) proxyReq.setHeader('X-Forwarded-Host', req.headers.host);
        if (typeof req.id === 'string') proxyReq.setHeader('X-Request-Id', req.id);
      },
      error: (err, req, res) => {
        const key = serviceForPath(req.url ?? '');
        const name = key ? SERVICES[key].name : 'the service';
        logger.warn({ err, requestId: req.id, upstream: name }, 'upstream request failed');
        if (!('writeHead' in res)) return (res as Socket).destroy();
        if (res.headersSent) return res.destroy();
        sendError(req, res, 503, 'UPSTREAM_UNAVAILABLE', `${name} does not answer; try again`);
      },
    },
  });
  return proxy;
}
