/**
 * Stable error codes of the public API and of RPC replies, with the HTTP status each maps to.
 * A client may switch on `code`; `message` is for humans and may change.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_BODY: 400,
  BODY_TOO_DEEP: 400,
  MALFORMED_REQUEST: 400,
  WEAK_PASSWORD: 400,
  TOKEN_INVALID: 400,
  TOKEN_EXPIRED: 400,
  BAD_MODEL_PATH: 400,
  UNAUTHORIZED: 401,
  BAD_SIGNATURE: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  REFRESH_REUSED: 401,
  INSUFFICIENT_CREDITS: 402,
  FORBIDDEN: 403,
  MODEL_TIER_FORBIDDEN: 403,
  WRONG_PASSWORD: 403,
  EMAIL_NOT_VERIFIED: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  BOARD_NOT_FOUND: 404,
  NO_SUBSCRIPTION: 404,
  EXPORT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  EMAIL_ALREADY_VERIFIED: 409,
  ALREADY_SETTLED: 409,
  ALREADY_FINISHED: 409,
  MODEL_DISABLED: 409,
  BOARD_NAME_TAKEN: 409,
  NOT_CANCELLED: 409,
  SAME_PLAN: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  IDEMPOTENCY_MISMATCH: 422,
  RATE_LIMITED: 429,
  TOO_MANY_JOBS: 429,
  EXPORT_IN_PROGRESS: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  BILLING_UNAVAILABLE: 503,
  NOT_READY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorCodes = Object.fromEntries(
  Object.keys(ERROR_STATUS).map((code) => [code, code]),
) as { readonly [K in ErrorCode]: K };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

/** The body of every error response (DESIGN §10). */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  requestId: string;
}

/** How an error travels in an RPC reply. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
