import { ConfigError, type Env, loadBaseConfig } from './env';
import { parseRedisUrl } from './redis-url';

const redisUrl = (env: Env) => loadBaseConfig('payment-service', 8002, env).redis.url;

function problemsOf(env: Env): { variable: string; problem: string }[] {
  try {
    loadBaseConfig('payment-service', 8002, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('the environment was accepted');
}

describe('Redis Sentinel configuration', () => {
  it('keeps a redis+sentinel:// REDIS_URL as it is', () => {
    const url = 'redis+sentinel://:pw@s1:26379,s2:26379,s3:26379/pingvas/1';
    expect(redisUrl({ REDIS_URL: url })).toBe(url);
  });

  it('builds the Sentinel URL from REDIS_SENTINELS and REDIS_SENTINEL_NAME, keeping the DB of APP_ENV', () => {
    const url = redisUrl({
      APP_ENV: 'prod',
      REDIS_SENTINELS: 's1:26379, s2:26380,s3',
      REDIS_SENTINEL_NAME: 'pingvas',
    });
    expect(parseRedisUrl(url)).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      masterName: 'pingvas',
      db: 1,
      tls: false,
    });
  });

  it("takes the primary's credentials, DB and TLS from REDIS_URL and the Sentinels' password from REDIS_SENTINEL_PASSWORD", () => {
    const url = redisUrl({
      REDIS_URL: 'rediss://app:p%40ss@unused-host:6379/3',
      REDIS_SENTINELS: 's1:26379',
      REDIS_SENTINEL_NAME: 'pingvas',
      REDIS_SENTINEL_PASSWORD: 'sentinel/secret',
    });
    expect(parseRedisUrl(url)).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }],
      masterName: 'pingvas',
      db: 3,
      username: 'app',
      password: 'p@ss',
      sentinelPassword: 'sentinel/secret',
      tls: true,
    });
  });

  it('adds REDIS_SENTINEL_PASSWORD to a redis+sentinel:// REDIS_URL', () => {
    const url = redisUrl({
      REDIS_URL: 'redis+sentinel://s1:26379/pingvas',
      REDIS_SENTINEL_PASSWORD: 'pw',
    });
    expect(parseRedisUrl(url)).toMatchObject({ sentinelPassword: 'pw', db: 0 });
  });

  it.each([
    [{ REDIS_SENTINELS: 's1:26379' }, 'REDIS_SENTINEL_NAME', /must be set with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_NAME: 'pingvas' }, 'REDIS_SENTINELS', /must be set with REDIS_SENTINEL_NAME/],
    [
      { REDIS_SENTINELS: 's1:x', REDIS_SENTINEL_NAME: 'pingvas' },
      'REDIS_SENTINELS',
      /host:port.*bad entry "s1:x"/,
    ],
    [
      { REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'two words' },
      'REDIS_SENTINEL_NAME',
      /master name/,
    ],
    [
      {
        REDIS_URL: 'redis+sentinel://s1:26379/pingvas',
        REDIS_SENTINELS: 's2:26379',
        REDIS_SENTINEL_NAME: 'pingvas',
      },
      'REDIS_SENTINELS',
      /either REDIS_SENTINELS or a redis\+sentinel/,
    ],
    [{ REDIS_SENTINEL_PASSWORD: 'pw' }, 'REDIS_SENTINELS', /when REDIS_SENTINEL_PASSWORD is/],
    [{ REDIS_URL: 'redis+sentinel://s1:26379' }, 'REDIS_URL', /must name the master/],
    [{ REDIS_URL: 'redis+sentinel://s1/m/abc' }, 'REDIS_URL', /invalid database index/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /must be a URL starting with redis:\/\//],
  ])('refuses %j naming %s', (env, variable, problem) => {
    const problems = problemsOf(env);
    expect(problems.map((p) => p.variable)).toEqual([variable]);
    expect(problems[0].problem).toMatch(problem);
  });
});

describe('configuration errors', () => {
  it("never echo a URL's password", () => {
    const problems = problemsOf({ REDIS_URL: 'redis+sentinel://:hunter2@s1:26379' });
    expect(problems[0].problem).toContain('redis+sentinel://:***@s1:26379');
    expect(problems[0].problem).not.toContain('hunter2');
  });
});
