import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface JsonResponse<T> {
  status: number;
  body: T | undefined;
}

/**
 * A JSON request to a third-party API with a deadline and a size cap, on a fresh connection.
 * Any status is returned; only transport failures reject.
 */
export function requestJson<T>(
  method: 'GET' | 'POST',
  url: string,
  options: {
    headers?: Record<string, string>;
    body?: unknown;
    timeoutMs: number;
    maxBytes?: number;
  },
): Promise<JsonResponse<T>> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  const payload =
    options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        agent: false,
        timeout: options.timeoutMs,
        headers: {
          ...options.headers,
          ...(payload ? { 'content-length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes)
            req.destroy(new Error(`${url} answered more than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: T | undefined;
          try {
            body = text ? (JSON.parse(text) as T) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${url}: no answer within ${options.timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
