import { reconnectDelay, reconnectOnReadOnly, redisOptionsFromUrl } from './redis-options';
import { FailoverFollowingConnector } from './sentinel-connector';

describe('redisOptionsFromUrl', () => {
  it('reads host, port, DB index and credentials', () => {
    expect(redisOptionsFromUrl('redis://user:p%40ss@cache:6380/1')).toEqual({
      host: 'cache',
      port: 6380,
      db: 1,
      username: 'user',
      password: 'p@ss',
    });
  });

  it('defaults to DB 0 and turns TLS on for rediss://', () => {
    expect(redisOptionsFromUrl('rediss://cache')).toEqual({
      host: 'cache',
      port: 6379,
      db: 0,
      tls: {},
    });
  });

  it('refuses a DB index that is not a number', () => {
    expect(() => redisOptionsFromUrl('redis://cache/abc')).toThrow(/database index/);
  });

  it('asks the Sentinels of a redis+sentinel:// URL for the primary, with its credentials and DB', () => {
    const options = redisOptionsFromUrl(
      'redis+sentinel://:p%40ss@s1:26380,s2/mymaster/1?sentinelPassword=s%3Acret',
    );
    expect(options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26380 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      db: 1,
      password: 'p@ss',
      sentinelPassword: 's:cret',
      failoverDetector: true,
      Connector: FailoverFollowingConnector,
    });
    // ioredis takes the primary's address from the Sentinels, never from host/port.
    expect(options).not.toHaveProperty('host');
    expect(options).not.toHaveProperty('port');
    expect(options).not.toHaveProperty('tls');
  });

  it('turns TLS on to the Sentinels and the primary for rediss+sentinel://', () => {
    expect(redisOptionsFromUrl('rediss+sentinel://s1:26379/m')).toMatchObject({
      db: 0,
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
  });

  it.each([
    ['redis+sentinel://s1:26379', /master/],
    ['redis+sentinel://s1:26379/m/x', /database index/],
    ['redis+sentinel://s1:99999/m', /bad entry "s1:99999"/],
    ['redis+sentinel:///m', /at least one Sentinel/],
  ])('refuses %s naming REDIS_URL', (url, problem) => {
    expect(() => redisOptionsFromUrl(url)).toThrow(/^REDIS_URL /);
    expect(() => redisOptionsFromUrl(url)).toThrow(problem);
  });
});

describe('reconnectOnReadOnly', () => {
  it('reconnects and resends only a write refused by a demoted primary', () => {
    expect(
      reconnectOnReadOnly(new Error("READONLY You can't write against a read only replica.")),
    ).toBe(2);
    expect(reconnectOnReadOnly(new Error('ERR unknown command'))).toBe(false);
  });
});

describe('reconnectDelay', () => {
  it('backs off from 200 ms to at most 2 s, and never gives up', () => {
    expect(reconnectDelay(1)).toBe(200);
    expect(reconnectDelay(3)).toBe(800);
    expect(reconnectDelay(1000)).toBe(2000);
  });
});
