import { requestJson } from './request-json';

/**
 * GET a small JSON document with a deadline, on a fresh connection (no keep-alive pool to
 * outlive the call): used for the JWKS, fetched rarely. Rejects on anything but 200 + JSON.
 */
export async function getJson<T>(
  url: string,
  timeoutMs: number,
  maxBytes = 256 * 1024,
): Promise<T> {
  const answer = await requestJson<T>('GET', url, {
    headers: { accept: 'application/json' },
    timeoutMs,
    maxBytes,
  });
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
  if (answer.body === undefined) throw new Error(`${url} answered something that is not JSON`);
  return answer.body;
}
