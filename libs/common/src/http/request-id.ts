import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from './request-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTED_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

type RequestWithId = Request & { id?: unknown };

/** A caller's id is kept when it is short and plain; anything else is replaced, never echoed. */
export function chooseRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && ACCEPTED_ID.test(incoming) ? incoming : randomUUID();
}

export function requestIdOf(req: Request): string {
  const id = (req as RequestWithId).id;
  return typeof id === 'string' ? id : chooseRequestId(req.headers[REQUEST_ID_HEADER]);
}

/** First middleware of every app: fixes the id before logging, parsing or routing can fail. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = chooseRequestId(req.headers[REQUEST_ID_HEADER]);
  (req as RequestWithId).id = id;
  res.setHeader('X-Request-Id', id);
  requestContext.run({ requestId: id }, next);
}
