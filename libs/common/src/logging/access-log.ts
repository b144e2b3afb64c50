import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { BaseConfig } from '../config/env';
import { requestContext } from '../http/request-context';
import { REDACTED_PATHS } from './logger-params';

/** The process's root pino logger (PlatformModule provides it). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * The process's one pino logger (the Nest logger writes through it). Every line written while
 * a request or an RPC runs carries its `requestId` (and `rpc`, the pattern served) from the
 * request context, with no child logger per request; secrets are redacted as in `loggerParams`.
 * `destination` is stdout but where a test reads the lines itself.
 */
export function createRootLogger(
  config: BaseConfig,
  // pino's own default (stdout, asynchronous, flushed at exit), shared by both loggers.
  destination: DestinationStream = pino.destination({ dest: process.stdout.fd || 1, sync: false }),
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: config.processName, env: config.appEnv },
    messageKey: 'msg',
  };
  const root = pino(
    {
      ...options,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const context = requestContext.getStore();
        if (!context) return {};
        return context.rpc === undefined
          ? { requestId: context.requestId }
          : { requestId: context.requestId, rpc: context.rpc };
      },
    },
    destination,
  );
  // The access lines are built here from the method, the path without its query, ids and
  // numbers only: nothing a redaction path could match, so they skip the redaction pass.
  accessLoggers.set(root, pino(options, destination));
  return root;
}

const accessLoggers = new WeakMap<Logger, Logger>();

/** The logger `logAccess` writes with: `root`'s own unredacted twin when it has one. */
export function accessLoggerOf(root: Logger): Logger {
  return accessLoggers.get(root) ?? root;
}

type LoggedRequest = IncomingMessage & { principal?: { userId?: unknown } };

/**
 * One access line per request when its response ends, the fields pino-http wrote (`req`
 * id/method/path without the query, `res.statusCode`, `responseTime`, `requestId`, and `err`
 * for a 5xx) plus `userId` once the auth guard knows it: one logger call, no child logger.
 */
export function logAccess(
  logger: Logger,
  req: LoggedRequest,
  res: ServerResponse,
  requestId: string,
  started: number,
): void {
  const onDone = () => {
    res.removeListener('close', onDone);
    res.removeListener('finish', onDone);
    res.removeListener('error', onDone);
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const line: Record<string, unknown> = {
      req: { id: requestId, method: req.method, path: query < 0 ? url : url.slice(0, query) },
      requestId,
      res: { statusCode: res.statusCode },
      responseTime: Date.now() - started,
    };
    const userId = req.principal?.userId;
    if (typeof userId === 'string') line.userId = userId;
    if (res.statusCode >= 500) {
      line.err = { type: 'Error', message: `failed with status code ${res.statusCode}` };
      logger.info(line, 'request errored');
      return;
    }
    logger.info(
      line,
      !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted',
    );
  };
  res.on('close', onDone);
  res.on('finish', onDone);
  res.on('error', onDone);
}
