import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { toAppError } from '../errors/to-app-error';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

/**
 * JSON and form parsers with a size limit. Their failures (bad JSON, too large, bad charset)
 * become AppErrors here, so the error filter answers them with a precise code. The raw bytes
 * are kept for signature checks (webhooks).
 */
export function bodyParsers(limit: string): RequestHandler[] {
  const keepRaw = (req: Request, _res: Response, buf: Buffer) => {
    (req as RequestWithRawBody).rawBody = buf;
  };
  return [
    express.json({ limit, verify: keepRaw }),
    express.urlencoded({ limit, extended: false, verify: keepRaw }),
  ].map(
    (parse): RequestHandler =>
      (req: Request, res: Response, next: NextFunction) =>
        parse(req, res, (err?: unknown) => next(err === undefined ? undefined : toAppError(err))),
  );
}
