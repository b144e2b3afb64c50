import type { Response } from 'supertest';

/**
 * A supertest parser that keeps the body as bytes (`.buffer(true).parse(binaryBody)`): a zip,
 * a PNG or a WebP comes back whole in `res.body` instead of as text.
 */
export function binaryBody(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
