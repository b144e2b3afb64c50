import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  /** The body as text; empty for streams (SSE, images), which are cut after their headers. */
  text: string;
}

const STREAMED = /^(text\/event-stream|image\/)/;

/**
 * One request exactly as built (node:http, not a client that would fix it up), on a fresh
 * connection each time: a server that drops a connection after a refused body must not make
 * the next request fail.
 */
export function send(baseUrl: string, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.length);
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.target,
        headers,
        agent: false,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (STREAMED.test(contentType) && (res.statusCode ?? 0) < 400) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, contentType, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.setTimeout(timeoutMs, () =>
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
