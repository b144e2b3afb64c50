import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BaseConfig } from '../config/env';
import { JwksKeys } from './jwks.keys';

/** A real HTTP server standing in for user-service's `/.well-known/jwks.json`. */
async function jwksServer(keys: { kid: string }[]) {
  let served = keys;
  let hits = 0;
  const server: Server = createServer((_, res) => {
    hits += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return {
    url,
    hits: () => hits,
    serve: (next: { kid: string }[]) => (served = next),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const key = (kid: string) => ({ kid, kty: 'OKP', crv: 'Ed25519', x: 'x' });

describe('JwksKeys', () => {
  afterEach(() => jest.useRealTimers());

  it('fetches once and answers known kids from memory', async () => {
    const server = await jwksServer([key('a')]);
    const sut = new JwksKeys({ auth: { jwksUrl: server.url } } as BaseConfig);
    expect(await sut.find('a')).toMatchObject({ kid: 'a' });
    expect(await sut.find('a')).toMatchObject({ kid: 'a' });
    expect(server.hits()).toBe(1);
    await server.stop();
  });

  it('refetches on an unknown kid, at most once per cooldown', async () => {
    jest.useFakeTimers({
      now: 1_000_000,
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    const server = await jwksServer([key('a')]);
    const sut = new JwksKeys({ auth: { jwksUrl: server.url } } as BaseConfig);
    await sut.find('a');
    server.serve([key('a'), key('b')]);
    expect(await sut.find('b')).toBeUndefined(); // within the cooldown: no new fetch
    expect(server.hits()).toBe(1);
    jest.setSystemTime(1_000_000 + 11_000);
    expect(await sut.find('b')).toMatchObject({ kid: 'b' });
    expect(server.hits()).toBe(2);
    await server.stop();
  });

  it('keeps the keys it knows when the JWKS cannot be fetched', async () => {
    jest.useFakeTimers({
      now: 1_000_000,
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    const server = await jwksServer([key('a')]);
    const sut = new JwksKeys({ auth: { jwksUrl: server.url } } as BaseConfig);
    await sut.find('a');
    await server.stop();
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await sut.find('unknown')).toBeUndefined();
    expect(await sut.find('a')).toMatchObject({ kid: 'a' });
  });

  it('answers 503 UPSTREAM_UNAVAILABLE when it has never had keys and cannot fetch them', async () => {
    const sut = new JwksKeys({
      auth: { jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' },
    } as BaseConfig);
    await expect(sut.find('a')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('tries again on the next call while it has never had a key, so a user-service that starts later is found at once', async () => {
    jest.useFakeTimers({
      now: 1_000_000,
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    // user-service still starting: it serves no keys yet.
    const server = await jwksServer([]);
    try {
      const sut = new JwksKeys({ auth: { jwksUrl: server.url } } as BaseConfig);
      // It cannot tell whether the token is good: 503, never 401.
      await expect(sut.find('a')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      server.serve([key('a')]);
      // The very next call, with no time passed, fetches again and finds the key.
      expect(await sut.find('a')).toMatchObject({ kid: 'a' });
      expect(server.hits()).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
