import { parseRedisUrl, RedisUrlError, type RedisTarget } from '@pingvas/common';
import type { RedisOptions } from 'ioredis';
import { FailoverFollowingConnector } from './sentinel-connector';

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

/**
 * ioredis connection options (no retry policy: each user sets its own) from REDIS_URL as the
 * config carries it: `redis://[user:pass@]host:port/db`, `rediss://`, or the Sentinel form
 * `redis+sentinel://[user:pass@]host1:26379,host2:26379/<master>[/<db>]` (see parseRedisUrl).
 */
export type RedisConnection = Pick<
  RedisOptions,
  | 'host'
  | 'port'
  | 'db'
  | 'username'
  | 'password'
  | 'tls'
  | 'sentinels'
  | 'name'
  | 'sentinelUsername'
  | 'sentinelPassword'
  | 'sentinelTLS'
  | 'enableTLSForSentinelMode'
  | 'failoverDetector'
  | 'Connector'
  | 'reconnectOnError'
>;

/** A write that reached a primary demoted a moment ago: reconnect (Sentinel names the new one) and resend it. */
export function reconnectOnReadOnly(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

export function redisOptionsFromUrl(url: string): RedisConnection {
  let target: RedisTarget;
  try {
    target = parseRedisUrl(url);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new Error(`REDIS_URL ${err.message}`);
    throw err;
  }
  const { db, username, password, tls } = target;
  const auth = {
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls: {} } : {}),
  };
  if (target.kind === 'server') return { host: target.host, port: target.port, ...auth };
  return {
    // No host/port: ioredis asks the Sentinels for the primary on every (re)connect.
    sentinels: target.sentinels,
    name: target.masterName,
    ...auth,
    ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(tls ? { sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    // Reconnect (and ask the Sentinels again) when a failover ends, not seconds later when
    // Sentinel demotes the old primary and kills its clients; a write that still meets the
    // demoted primary reconnects on READONLY.
    failoverDetector: true,
    Connector: FailoverFollowingConnector,
    reconnectOnError: reconnectOnReadOnly,
  };
}
