import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { ErrorBody, ErrorCode } from '@pingvas/contracts';
import type { Request, Response } from 'express';
import { type Observable, throwError } from 'rxjs';
import { requestIdOf } from '../http/request-id';
import type { AppError } from './app-error';
import { toAppError } from './to-app-error';

/**
 * Outages that pass by themselves: the answer says when to try again (RFC 9110 Retry-After).
 * Recovery after PostgreSQL or Redis returns takes about two seconds.
 */
export const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  UPSTREAM_UNAVAILABLE: 2,
  DATABASE_UNAVAILABLE: 2,
};

/**
 * The one global filter (DESIGN §10). Over HTTP it writes `{statusCode, code, message,
 * details?, requestId}`; over RPC it sends `{code, message, details?}` back to the caller, who
 * turns it into the same HTTP status. Unexpected errors are logged here and leave as a generic
 * INTERNAL_ERROR, so no internals reach a client.
 */
@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('AppErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const error = toAppError(exception);
    if (host.getType() === 'rpc') {
      this.log(error, exception, 'RPC ');
      return throwError(() => error.toRpc());
    }
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(req);
    this.log(error, exception, '', requestId);
    if (res.headersSent) {
      res.end();
      return;
    }
    const retryAfter = RETRY_AFTER_SECONDS[error.code];
    // A guard that knows better (the rate limiter) has set its own.
    if (retryAfter !== undefined && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(retryAfter));
    const body: ErrorBody = {
      statusCode: error.status,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
    };
    res.status(error.status).json(body);
  }

  /** A bug is an error with its stack; a database outage is a one-line warning per request. */
  private log(error: AppError, exception: unknown, rpc: '' | 'RPC ', requestId?: string): void {
    if (error.code === 'INTERNAL_ERROR')
      this.logger.error({ err: exception, requestId }, `unhandled ${rpc}error`);
    else if (error.code === 'DATABASE_UNAVAILABLE')
      this.logger.warn({ requestId, cause: String(exception) }, `${rpc}database unavailable`);
  }
}
