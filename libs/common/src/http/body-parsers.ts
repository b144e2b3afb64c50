import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { AppError } from '../errors/app-error';
import { toAppError } from '../errors/to-app-error';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './input-limits';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/** Webhooks are signed over their exact bytes: their bodies stay raw Buffers, parsed after the check. */
export const RAW_BODY_PATH = /^\/api\/v1\/webhooks\//;

/**
 * A body nested deeper than any DTO is refused right after parsing: the recursive walks that come
 * later (ValidationPipe's prototype-key stripping, class-transformer) would overflow the stack.
 */
function refuseDeepNesting(req: Request, _res: Response, next: NextFunction): void {
  if (!nestsDeeperThan(req.body, MAX_JSON_DEPTH)) return next();
  next(
    new AppError('BODY_TOO_DEEP', `The request body nests deeper than ${MAX_JSON_DEPTH} levels`),
  );
}

/** zlib's failures on a body sent gzip or deflate say only "incorrect header check". */
function parseFailure(err: unknown): AppError {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new AppError(
      'MALFORMED_BODY',
      'The request body does not decompress as its Content-Encoding says',
    );
  return toAppError(err);
}

/**
 * JSON and form parsers with a size limit and a nesting limit. Their failures (bad JSON, too
 * large, too deep, bad charset) become AppErrors here, so the error filter answers them with a
 * precise code. Webhook routes get the raw bytes instead (`req.body` is a Buffer), so a
 * signature is verified before anything is parsed.
 */
export function bodyParsers(limit: string): RequestHandler[] {
  const raw = express.raw({ limit, type: () => true });
  const keepRaw = (req: Request, _res: Response, buf: Buffer) => {
    (req as RequestWithRawBody).rawBody = buf;
  };
  const parsers = [
    express.json({ limit, verify: keepRaw }),
    express.urlencoded({ limit, extended: false, verify: keepRaw }),
    refuseDeepNesting,
  ];
  return [
    (req: Request, res: Response, next: NextFunction) => {
      // No body (type-is's test, which every parser makes first): nothing to parse or check.
      if (
        req.headers['transfer-encoding'] === undefined &&
        Number.isNaN(Number(req.headers['content-length']))
      ) {
        if (!('body' in req)) (req as { body?: unknown }).body = undefined;
        return next();
      }
      const chain = RAW_BODY_PATH.test(req.path) ? [raw] : parsers;
      const run = (index: number, err?: unknown): void => {
        if (err !== undefined) return next(parseFailure(err));
        if (index === chain.length) return next();
        chain[index](req, res, (e?: unknown) => run(index + 1, e));
      };
      run(0);
    },
  ];
}
