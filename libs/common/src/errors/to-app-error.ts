import { HttpException } from '@nestjs/common';
import { type ErrorCode } from '@pingvas/contracts';
import { AppError } from './app-error';
import { isDatabaseUnavailable } from './database-outage';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  502: 'UPSTREAM_ERROR',
  503: 'UPSTREAM_UNAVAILABLE',
};

/** body-parser and other express middleware fail with http-errors carrying `status` and `type`. */
interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  message?: unknown;
}

function fromMiddlewareError(err: HttpLikeError): AppError | undefined {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (err.type === 'entity.parse.failed') {
    return new AppError('MALFORMED_BODY', 'The request body is not valid JSON');
  }
  if (err.type === 'entity.too.large') {
    return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported');
  }
  const code = CODE_BY_STATUS[status] ?? 'VALIDATION_FAILED';
  const message =
    err.expose === true && typeof err.message === 'string' ? err.message : 'Bad request';
  return new AppError(code, message);
}

function messageOf(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return fallback;
}

/**
 * Normalises anything thrown into an AppError. A database that cannot be reached is 503
 * DATABASE_UNAVAILABLE (the client may retry; over RPC the caller gets the same code). Other
 * unknown errors become INTERNAL_ERROR with a generic message: their text may hold internals
 * and never reaches a client.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly');
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    if (status >= 500 && code === 'INTERNAL_ERROR') return new AppError(code, 'Internal error');
    return new AppError(code, messageOf(err.getResponse(), err.message));
  }
  if (typeof err === 'object' && err !== null) {
    const fromMiddleware = fromMiddlewareError(err as HttpLikeError);
    if (fromMiddleware) return fromMiddleware;
  }
  return new AppError('INTERNAL_ERROR', 'Internal error');
}
