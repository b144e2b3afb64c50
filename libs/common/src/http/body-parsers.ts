import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { toAppError } from '../errors/to-app-error';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/** Webhooks are signed over their exact bytes: their bodies stay raw Buffers, parsed after the check. */
export const RAW_BODY_PATH = /^\/api\/v1\/webhooks\//;

/**
 * JSON and form parsers with a size limit. Their failures (bad JSON, too large, bad charset)
 * become AppErrors here, so the error filter answers them with a precise code. Webhook routes
 * get the raw bytes instead (`req.body` is a Buffer), so a signature is verified before
 * anything is parsed.
 */
export function bodyParsers(limit: string): RequestHandler[] {
  const raw = express.raw({ limit, type: () => true });
  const keepRaw = (req: Request, _res: Response, buf: Buffer) => {
    (req as RequestWithRawBody).rawBody = buf;
  };
  const parsers = [
    express.json({ limit, verify: keepRaw }),
    express.urlencoded({ limit, extended: false, verify: keepRaw }),
  ];
  return [
    (req: Request, res: Response, next: NextFunction) => {
      const chain = RAW_BODY_PATH.test(req.path) ? [raw] : parsers;
      const run = (index: number, err?: unknown): void => {
        if (err !== undefined) return next(toAppError(err));
        if (index === chain.length) return next();
        chain[index](req, res, (e?: unknown) => run(index + 1, e));
      };
      run(0);
    },
  ];
}
