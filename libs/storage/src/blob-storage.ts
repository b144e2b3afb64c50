import type { Readable } from 'node:stream';

export interface BlobInfo {
  size: number;
  contentType: string;
}

/** What a presigned download URL makes the store answer with. */
export interface PresignOptions {
  /** How long the URL works. */
  expiresInS: number;
  /** The name a browser saves it under (Content-Disposition: inline; filename=...). */
  filename?: string;
  /** Content-Disposition: attachment: a browser saves the file instead of showing it. */
  attachment?: boolean;
  contentType?: string;
  /** The Cache-Control of the bytes the URL answers. */
  cacheControl?: string;
}

/** Where images and thumbnails live: local disk by default, S3 in production (DESIGN §15). */
export interface BlobStorage {
  put(key: string, data: Buffer | Readable): Promise<BlobInfo>;
  /** Resolves to null when the key holds nothing. */
  stat(key: string): Promise<BlobInfo | null>;
  /** Rejects with BlobNotFoundError when the key holds nothing. */
  read(key: string): Promise<Readable>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Present where clients can fetch a blob from the store itself (S3): a short-lived GET URL,
   * so the bytes need not pass through the service. Absent on local disk: stream with `read`.
   */
  presignedUrl?(key: string, options: PresignOptions): Promise<string>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob at ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/** Keys are relative, slash-separated names of plain characters: nothing can point outside. */
export function assertBlobKey(key: string): string {
  if (
    key.length > 512 ||
    !KEY.test(key) ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
  return key;
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  json: 'application/json',
};

export function contentTypeOf(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
