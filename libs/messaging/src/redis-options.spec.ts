import { reconnectDelay, redisOptionsFromUrl } from './redis-options';

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
});

describe('reconnectDelay', () => {
  it('backs off from 200 ms to at most 2 s, and never gives up', () => {
    expect(reconnectDelay(1)).toBe(200);
    expect(reconnectDelay(3)).toBe(800);
    expect(reconnectDelay(1000)).toBe(2000);
  });
});
