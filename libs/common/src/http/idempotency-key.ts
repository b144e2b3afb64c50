import { AppError } from '../errors/app-error';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The `Idempotency-Key` header: absent (when allowed) or 8-128 plain characters; else 400. */
export function idempotencyKey(header: unknown, required: boolean): string | undefined {
  if (header === undefined && !required) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${required ? 'An' : 'The'} Idempotency-Key header must be 8-128 plain characters (letters, digits, _ . : -)`,
    );
  }
  return header;
}
