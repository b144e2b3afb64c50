import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { ErrorBody } from '@pingvas/contracts';
import type { Request, Response } from 'express';
import { type Observable, throwError } from 'rxjs';
import { requestIdOf } from '../http/request-id';
import { toAppError } from './to-app-error';

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
      if (error.code === 'INTERNAL_ERROR')
        this.logger.error({ err: exception }, 'unhandled RPC error');
      return throwError(() => error.toRpc());
    }
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(req);
    if (error.code === 'INTERNAL_ERROR')
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ErrorBody = {
      statusCode: error.status,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
    };
    res.status(error.status).json(body);
  }
}
