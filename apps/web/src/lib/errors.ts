import { useTranslation } from 'react-i18next';
import { ApiError } from './api-client';

/** Codes with their own sentence in the dictionaries (errors.<CODE>); others get the generic one. */
const TRANSLATED = new Set([
  'NETWORK',
  'VALIDATION_FAILED',
  'WEAK_PASSWORD',
  'UNAUTHORIZED',
  'INVALID_CREDENTIALS',
  'INVALID_REFRESH_TOKEN',
  'REFRESH_REUSED',
  'INSUFFICIENT_CREDITS',
  'FORBIDDEN',
  'MODEL_TIER_FORBIDDEN',
  'NOT_FOUND',
  'MODEL_NOT_FOUND',
  'BOARD_NOT_FOUND',
  'EMAIL_TAKEN',
  'ALREADY_FINISHED',
  'MODEL_DISABLED',
  'BOARD_NAME_TAKEN',
  'BAD_MODEL_PATH',
  'IDEMPOTENCY_MISMATCH',
  'RATE_LIMITED',
  'TOO_MANY_JOBS',
  'UPSTREAM_UNAVAILABLE',
  'BILLING_UNAVAILABLE',
  'PAYLOAD_TOO_LARGE',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'EMAIL_NOT_VERIFIED',
  'EMAIL_ALREADY_VERIFIED',
  'WRONG_PASSWORD',
  'EXPORT_IN_PROGRESS',
  'NO_SUBSCRIPTION',
  'NOT_CANCELLED',
  'SAME_PLAN',
]);

export type ErrorKey = `errors.${string}`;

/** The dictionary key of an error: every API error is shown in the reader's language. */
export function errorKey(error: unknown): ErrorKey {
  if (error instanceof ApiError && TRANSLATED.has(error.code)) return `errors.${error.code}`;
  return 'errors.generic';
}

export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => t(errorKey(error) as 'errors.generic');
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
