import { createHash } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import { reconnectDelay } from '../redis-options';

/** Connection options of both sides: the process's Redis (from `redisOptionsFromUrl`) and its RPC namespace. */
export type StreamTransportOptions = RedisOptions & { namespace: string };

/**
 * One connection of the transport: reconnects forever until `closed()` says otherwise, keeps
 * commands through an outage (they wait, never fail for retries), and logs its errors (an
 * 'error' event nobody listens to stops the process). Connecting starts at once; while Redis
 * is away at boot it keeps trying.
 */
export function openConnection(
  options: RedisOptions,
  role: string,
  closed: () => boolean,
  logger: Pick<Logger, 'warn'>,
  extra: RedisOptions = {},
): Redis {
  const redis = new Redis({
    ...options,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => (closed() ? null : reconnectDelay(times)),
    connectionName: `rpc-${role}`,
    ...extra,
  });
  redis.on('error', (err: Error) => logger.warn(`Redis (${role}): ${err.message}`));
  redis.connect().catch((err: unknown) => {
    if (!closed()) logger.warn(`Redis (${role}) not reachable yet: ${String(err)}`);
  });
  return redis;
}

/** QUIT lets Redis close the socket; disconnect() is the fallback while it is unreachable. */
export async function closeConnection(redis: Redis | undefined): Promise<void> {
  if (!redis || redis.status === 'end') return;
  if (redis.status !== 'ready') return redis.disconnect();
  await redis.quit().then(
    () => undefined,
    () => redis.disconnect(),
  );
}

/** EVALSHA, falling back to EVAL (which caches it again) once Redis has forgotten the script. */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String(err).includes('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
