import { createServer } from 'node:net';
/** The nearest-rank percentile `p` (0-100) of `values`, as the benchmarks print it. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A free TCP port on 127.0.0.1 for a process a bench starts. */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** An error that ends an `until` wait at once (a process exited, a job failed). */
export class Fatal extends Error {}

/** Polls `probe` until it gives a value; errors other than `Fatal` count as "not yet". */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, pollMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch((err: unknown) =>
      err instanceof Fatal ? Promise.reject(err) : undefined,
    );
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}
