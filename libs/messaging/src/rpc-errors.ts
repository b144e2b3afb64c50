import { AppError } from '@pingvas/common';
import { isRpcErrorPayload } from '@pingvas/contracts';
import { TimeoutError } from 'rxjs';

/**
 * What a caller makes of a failed RPC: the handler's own `{code, message}` keeps its code (and
 * so its HTTP status); silence or a lost connection is UPSTREAM_UNAVAILABLE (503).
 */
export function rpcFailure(pattern: string, err: unknown, timeoutMs: number): AppError {
  if (isRpcErrorPayload(err)) {
    // The callee's internal failure is not the caller's: it answers 502, not 500.
    if (err.code === 'INTERNAL_ERROR')
      return new AppError('UPSTREAM_ERROR', `${pattern}: the service failed`);
    return AppError.fromRpc(err);
  }
  if (err instanceof TimeoutError) {
    return new AppError('UPSTREAM_UNAVAILABLE', `${pattern}: no answer within ${timeoutMs} ms`);
  }
  const text = err instanceof Error ? err.message : String(err);
  if (/no matching message handler/i.test(text)) {
    return new AppError('UPSTREAM_ERROR', `${pattern}: the service has no handler for this call`);
  }
  // Connection failures arrive as Errors or strings; any other reply shape is a broken answer.
  if (err instanceof Error || typeof err === 'string') {
    return new AppError('UPSTREAM_UNAVAILABLE', `${pattern}: the service cannot be reached`);
  }
  return new AppError('UPSTREAM_ERROR', `${pattern}: the service answered with an unknown error`);
}
