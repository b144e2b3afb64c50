import { Logger } from '@nestjs/common';
import { RedisContext } from '@nestjs/microservices';
import { type default as Redis, ReplyError } from 'ioredis';
import { NamespacedRedisClient, NamespacedRedisServer } from './redis-transport';

// Nothing listens on port 1: the clients exist and retry, and no test needs a Redis.
const OPTIONS = { host: '127.0.0.1', port: 1, namespace: 'spec' };
const REFUSED =
  "ERR Can't execute 'info': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

/** Gives the tests Nest's teardown of a finished request, which the transport overrides. */
class ClientUnderTest extends NamespacedRedisClient {
  endRequestOn(channel: string): void {
    this.subscriptionsCount.set(channel, 1);
    this.unsubscribeFromChannel(channel);
  }
}

/** Lets the microtasks (and so any unhandled rejection) run before asserting. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the RPC transport over Redis', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  // The clients' reconnect attempts to port 1 would log for the whole file.
  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('creates the client’s subscriber connection without the ready check, its publisher with it', async () => {
    const client = new ClientUnderTest(OPTIONS);
    void client.connect().catch(() => undefined);
    const [pub, sub] = client.unwrap<[Redis, Redis]>();
    expect(sub.options.enableReadyCheck).toBe(false);
    expect(pub.options.enableReadyCheck).toBe(true);
    await client.close();
  });

  it('creates the server’s subscriber connection without the ready check, its publisher with it', async () => {
    const server = new NamespacedRedisServer(OPTIONS);
    server.listen(() => undefined);
    const [pub, sub] = server.unwrap<[Redis, Redis]>();
    expect(sub.options.enableReadyCheck).toBe(false);
    expect(pub.options.enableReadyCheck).toBe(true);
    await server.close();
  });

  it('logs a reply channel’s UNSUBSCRIBE that Redis refuses instead of leaving it unhandled', async () => {
    const client = new ClientUnderTest(OPTIONS);
    void client.connect().catch(() => undefined);
    const [, sub] = client.unwrap<[Redis, Redis]>();
    jest.spyOn(sub, 'unsubscribe').mockRejectedValue(new ReplyError(REFUSED));
    client.endRequestOn('spec:user.system.ping.reply');
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(REFUSED));
    await client.close();
  });

  it('logs a request channel’s SUBSCRIBE that Redis refuses instead of leaving it unhandled', async () => {
    const server = new NamespacedRedisServer(OPTIONS);
    server.addHandler('user.system.ping', async () => 'pong');
    jest.spyOn(server, 'start').mockImplementation((callback) => callback());
    server.listen(() => undefined);
    const [pub, sub] = server.unwrap<[Redis, Redis]>();
    jest.spyOn(sub, 'subscribe').mockRejectedValue(new ReplyError(REFUSED));
    server.bindEvents(sub, pub);
    await settle();
    expect(error).toHaveBeenCalledWith(expect.stringContaining('spec:user.system.ping'));
    await server.close();
  });

  it('logs a reply it cannot publish instead of leaving it unhandled', async () => {
    const server = new NamespacedRedisServer(OPTIONS);
    server.listen(() => undefined);
    const [pub] = server.unwrap<[Redis, Redis]>();
    jest.spyOn(pub, 'publish').mockRejectedValue(new Error('Connection is closed.'));
    const reply = server.getPublisher(
      pub,
      'spec:user.system.ping',
      'id-1',
      new RedisContext(['x']),
    );
    await expect(reply({ response: 'pong' })).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Connection is closed.'));
    await server.close();
  });
});
