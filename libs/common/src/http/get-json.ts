import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/**
 * GET a small JSON document with a deadline, on a fresh connection (no keep-alive pool to
 * outlive the call): used for the JWKS, fetched rarely.
 */
export function getJson<T>(url: string, timeoutMs: number, maxBytes = 256 * 1024): Promise<T> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise<T>((resolve, reject) => {
    const req = get(
      url,
      { agent: false, headers: { accept: 'application/json' }, timeout: timeoutMs },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`${url} answered ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes)
            req.destroy(new Error(`${url} answered more than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
          } catch {
            reject(new Error(`${url} answered something that is not JSON`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
