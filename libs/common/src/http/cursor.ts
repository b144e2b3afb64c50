import { isUUID } from 'class-validator';
import { AppError } from '../errors/app-error';

/** An opaque page cursor: the last row's sort values, as base64url JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function foreignCursor(): AppError {
  return new AppError('VALIDATION_FAILED', 'cursor is not one this API gave out');
}

/** The sort values of a cursor this API gave out; 400 VALIDATION_FAILED for anything else. */
export function decodeCursor(cursor: string | undefined, length: number): unknown[] | undefined {
  if (!cursor) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length !== length) throw foreignCursor();
  return values;
}

/** Where a newest-first (created_at, id) page ended. */
export interface Keyset {
  createdAt: string;
  id: string;
}

/** Checks decoded values as a keyset before they reach SQL: a time and a UUID, or 400. */
export function keysetOf(createdAt: unknown, id: unknown): Keyset {
  if (
    typeof createdAt !== 'string' ||
    Number.isNaN(Date.parse(createdAt)) ||
    typeof id !== 'string' ||
    !isUUID(id)
  )
    throw foreignCursor();
  return { createdAt, id };
}

export function encodeKeysetCursor(row: { createdAt: Date; id: string }): string {
  return encodeCursor([row.createdAt.toISOString(), row.id]);
}

export function decodeKeysetCursor(cursor: string | undefined): Keyset | undefined {
  const values = decodeCursor(cursor, 2);
  return values && keysetOf(values[0], values[1]);
}
