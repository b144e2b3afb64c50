import type { RedisOptions } from 'ioredis';

/** Reconnect forever: 100 ms doubling to 2 s between tries (DESIGN §9: no manual restarts). */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 5), 2000);
}

/**
 * Options of every connection that SUBSCRIBEs. ioredis sends its ready check (INFO) after the
 * handshake, and Redis accepts a SUBSCRIBE written in between (it is allowed while Redis is
 * still loading): the connection is then in subscriber mode, INFO is refused with "Can't
 * execute 'info'", and ioredis fails the connection and every command it holds (ioredis
 * #2037, #2099). A subscriber needs no ready check: SUBSCRIBE works while Redis loads.
 */
export const SUBSCRIBER_CONNECTION = { enableReadyCheck: false } as const satisfies RedisOptions;

/** ioredis connection options (no retry policy: each user sets its own) from a `redis://[user:pass@]host:port/db` or `rediss://` URL. */
export type RedisConnection = Pick<
  RedisOptions,
  'host' | 'port' | 'db' | 'username' | 'password' | 'tls'
>;

export function redisOptionsFromUrl(url: string): RedisConnection {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new Error(`REDIS_URL has an invalid database index: ${u.pathname}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
