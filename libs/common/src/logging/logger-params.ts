import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { BaseConfig } from '../config/env';
import { chooseRequestId } from '../http/request-id';

/** Probes and scrapes: never logged, and kept out of the logging middleware altogether (DESIGN §1). */
export const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/** Never logged: credentials in headers, and any field that looks like a secret. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.secret',
  '*.apiKey',
  '*.token',
];

type RequestWithId = IncomingMessage & { id?: unknown };

/** pino-http settings: JSON lines, one `requestId` on every line of a request, secrets redacted. */
export function loggerParams(config: BaseConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      base: { service: config.processName, env: config.appEnv },
      messageKey: 'msg',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req: RequestWithId, res: ServerResponse) => {
        const id =
          typeof req.id === 'string' ? req.id : chooseRequestId(req.headers['x-request-id']);
        if (!res.headersSent) res.setHeader('X-Request-Id', id);
        return id;
      },
      customProps: (req: RequestWithId) => ({ requestId: req.id }),
      autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
      serializers: {
        // The URL path only: query strings may carry signed-URL signatures.
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: String(req.url).split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
