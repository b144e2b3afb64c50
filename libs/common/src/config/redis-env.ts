import { z } from 'zod';
import {
  formatSentinelUrl,
  parseMasterName,
  parseRedisUrl,
  parseSentinelList,
  RedisUrlError,
} from './redis-url';

/** A zod rule from a parser that throws RedisUrlError with the problem. */
const parsedBy = (parse: (value: string) => unknown) =>
  z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (err) {
      if (!(err instanceof RedisUrlError)) throw err;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: err.message });
    }
  });

/** The Redis variables of every process (README: Configuration). */
export const redisEnvShape = {
  REDIS_URL: parsedBy(parseRedisUrl).optional(),
  /** Sentinels as `host:port,host:port`; with it, REDIS_URL gives only credentials, DB and TLS. */
  REDIS_SENTINELS: parsedBy(parseSentinelList).optional(),
  REDIS_SENTINEL_NAME: parsedBy(parseMasterName).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
};

type RedisEnv = z.output<z.ZodObject<typeof redisEnvShape>>;

const issue = (ctx: z.RefinementCtx, variable: string, message: string) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });

/** The rules between the Redis variables, each problem named by its variable. */
export function checkRedisEnv(e: RedisEnv, ctx: z.RefinementCtx): void {
  const urlIsSentinel = e.REDIS_URL !== undefined && /^rediss?\+sentinel:/.test(e.REDIS_URL);
  if (e.REDIS_SENTINELS !== undefined && urlIsSentinel)
    issue(ctx, 'REDIS_SENTINELS', 'set either REDIS_SENTINELS or a redis+sentinel:// REDIS_URL');
  if (e.REDIS_SENTINELS !== undefined && e.REDIS_SENTINEL_NAME === undefined)
    issue(ctx, 'REDIS_SENTINEL_NAME', 'must be set with REDIS_SENTINELS (the monitored master)');
  if (e.REDIS_SENTINEL_NAME !== undefined && e.REDIS_SENTINELS === undefined)
    issue(ctx, 'REDIS_SENTINELS', 'must be set with REDIS_SENTINEL_NAME (host:port,…)');
  // Named by REDIS_SENTINELS, so the error never echoes the password.
  if (e.REDIS_SENTINEL_PASSWORD !== undefined && e.REDIS_SENTINELS === undefined && !urlIsSentinel)
    issue(
      ctx,
      'REDIS_SENTINELS',
      'must be set when REDIS_SENTINEL_PASSWORD is (or use redis+sentinel://)',
    );
}

/**
 * The one URL every connection is built from (`redisOptionsFromUrl`). With REDIS_SENTINELS it is
 * the redis+sentinel:// URL of those Sentinels, keeping REDIS_URL's credentials, DB and TLS.
 */
export function redisUrlOf(e: RedisEnv, defaultUrl: string): string {
  const url = e.REDIS_URL ?? defaultUrl;
  const target = parseRedisUrl(url);
  const sentinelPassword = e.REDIS_SENTINEL_PASSWORD;
  if (target.kind === 'sentinel')
    return sentinelPassword ? formatSentinelUrl({ ...target, sentinelPassword }) : url;
  if (e.REDIS_SENTINELS === undefined || e.REDIS_SENTINEL_NAME === undefined) return url;
  const { db, username, password, tls } = target;
  return formatSentinelUrl({
    kind: 'sentinel',
    sentinels: parseSentinelList(e.REDIS_SENTINELS),
    masterName: e.REDIS_SENTINEL_NAME,
    db,
    tls,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
  });
}
