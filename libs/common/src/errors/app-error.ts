import { ERROR_STATUS, type ErrorCode, type RpcErrorPayload } from '@pingvas/contracts';

/**
 * The one error type services throw on purpose. The HTTP filter turns it into the standard
 * error body; the RPC filter sends it to the caller as `{code, message, details}`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toRpc(): RpcErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromRpc(payload: RpcErrorPayload): AppError {
    return new AppError(payload.code, payload.message, payload.details);
  }
}
