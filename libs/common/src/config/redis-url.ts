/** One Redis server or Sentinel: host and port. */
export interface RedisAddress {
  host: string;
  port: number;
}

interface RedisAuth {
  db: number;
  username?: string;
  password?: string;
  /** TLS to every server (`rediss:` / `rediss+sentinel:`). */
  tls: boolean;
}

/** Where a process finds Redis: one server, or the primary that Sentinels name (seed 002). */
export type RedisTarget =
  | ({ kind: 'server' } & RedisAddress & RedisAuth)
  | ({
      kind: 'sentinel';
      sentinels: RedisAddress[];
      /** The master group the Sentinels monitor (`sentinel monitor <name> …`). */
      masterName: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    } & RedisAuth);

export const SENTINEL_PORT = 26379;
const SENTINEL_SCHEMES = ['redis+sentinel:', 'rediss+sentinel:'];
const MASTER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A problem with a Redis URL or Sentinel list, phrased to follow the variable's name. */
export class RedisUrlError extends Error {}

function dbIndex(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const db = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(db) || db > 65_535)
    throw new RedisUrlError(`has an invalid database index: ${value}`);
  return db;
}

/** `host:port,host:port` (the port defaults to 26379), as REDIS_SENTINELS and the URL give it. */
export function parseSentinelList(list: string): RedisAddress[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0)
    throw new RedisUrlError('must list at least one Sentinel as host:port (comma-separated)');
  return entries.map((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? SENTINEL_PORT : Number(match[2]);
    if (!match || port < 1 || port > 65_535)
      throw new RedisUrlError(`must be a comma list of host:port Sentinels (bad entry "${entry}")`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}

export function parseMasterName(name: string): string {
  if (!MASTER_NAME.test(name))
    throw new RedisUrlError(
      'must be the master name the Sentinels monitor (letters, digits, _ . -)',
    );
  return name;
}

const decoded = (value: string) => (value ? decodeURIComponent(value) : undefined);

function credentials(username: string | undefined, password: string | undefined) {
  const user = decoded(username ?? '');
  const pass = decoded(password ?? '');
  return { ...(user ? { username: user } : {}), ...(pass ? { password: pass } : {}) };
}

/**
 * `redis+sentinel://[user:pass@]host1:26379,host2:26379/<master>[/<db>][?sentinelPassword=…]`:
 * the credentials are the primary's; `sentinelUsername`/`sentinelPassword` authenticate to the
 * Sentinels. `rediss+sentinel://` turns TLS on for both. (WHATWG URL refuses the host list.)
 */
function parseSentinelUrl(url: string): RedisTarget {
  const match =
    /^(rediss?)\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?$/.exec(
      url,
    );
  if (!match) throw new RedisUrlError('is not a redis+sentinel://host:port,…/<master>[/<db>] URL');
  const [, scheme, username, password, hosts, path, query] = match;
  const [masterName = '', db, ...rest] = path.split('/').slice(1);
  if (!masterName || rest.some(Boolean))
    throw new RedisUrlError(
      'must name the master after the Sentinels: redis+sentinel://host:26379/<master>[/<db>]',
    );
  const params = new URLSearchParams(query ?? '');
  const sentinelUsername = params.get('sentinelUsername') ?? undefined;
  const sentinelPassword = params.get('sentinelPassword') ?? undefined;
  return {
    kind: 'sentinel',
    sentinels: parseSentinelList(hosts),
    masterName: parseMasterName(decodeURIComponent(masterName)),
    db: dbIndex(db),
    ...credentials(username, password),
    ...(sentinelUsername ? { sentinelUsername } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
    tls: scheme === 'rediss',
  };
}

/** Reads REDIS_URL: `redis://`, `rediss://`, `redis+sentinel://` or `rediss+sentinel://`. */
export function parseRedisUrl(url: string): RedisTarget {
  if (SENTINEL_SCHEMES.some((scheme) => url.startsWith(`${scheme}//`)))
    return parseSentinelUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUrlError(
      'must be a URL starting with redis:// or rediss:// (or redis+sentinel://host:port,…/<master>)',
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new RedisUrlError(
      'must be a URL starting with redis:// or rediss:// (or redis+sentinel://host:port,…/<master>)',
    );
  return {
    kind: 'server',
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: dbIndex(u.pathname.slice(1)),
    ...credentials(u.username, u.password),
    tls: u.protocol === 'rediss:',
  };
}

/** The one URL a config carries for a Sentinel setup (parseRedisUrl reads it back). */
export function formatSentinelUrl(target: Extract<RedisTarget, { kind: 'sentinel' }>): string {
  const auth =
    target.username || target.password
      ? `${encodeURIComponent(target.username ?? '')}${
          target.password ? `:${encodeURIComponent(target.password)}` : ''
        }@`
      : '';
  const hosts = target.sentinels
    .map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`)
    .join(',');
  const params = new URLSearchParams();
  if (target.sentinelUsername) params.set('sentinelUsername', target.sentinelUsername);
  if (target.sentinelPassword) params.set('sentinelPassword', target.sentinelPassword);
  const query = params.toString() ? `?${params.toString()}` : '';
  const scheme = target.tls ? 'rediss+sentinel' : 'redis+sentinel';
  return `${scheme}://${auth}${hosts}/${encodeURIComponent(target.masterName)}/${target.db}${query}`;
}
