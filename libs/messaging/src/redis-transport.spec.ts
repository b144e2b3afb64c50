import { Logger } from '@nestjs/common';
import Redis, { ReplyError } from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { StreamRpcClient, StreamRpcServer } from './redis-transport';

// Nothing listens on port 1: the clients exist and retry, and no test needs a Redis.
const OPTIONS = { host: '127.0.0.1', port: 1, namespace: 'spec' };

/** Lets the microtasks (and so any unhandled rejection) run before asserting. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the RPC transport over Redis', () => {
  let warn: jest.SpyInstance;

  // The clients' reconnect attempts to port 1 would log for the whole file.
  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('creates the client’s reply subscriber without the ready check, its command connection with it', async () => {
    const client = new StreamRpcClient(OPTIONS);
    void client.connect().catch(() => undefined);
    const [commands, sub] = client.unwrap<[Redis, Redis]>();
    expect(sub.options.enableReadyCheck).toBe(false);
    expect(commands.options.enableReadyCheck).toBe(true);
    await client.close();
  });

  it('reads each served service’s stream on a connection of its own', async () => {
    const server = new StreamRpcServer(OPTIONS);
    server.addHandler('payment.credits.reserve', async () => 'ok');
    server.addHandler('payment.system.ping', async () => 'pong');
    server.addHandler('test.fail.silent', async () => 'never');
    server.listen(() => undefined);
    const [commands, ...readers] = server.unwrap<Redis[]>();
    expect(readers.map((r) => r.options.connectionName)).toEqual([
      'rpc-reader-payment',
      'rpc-reader-test',
    ]);
    expect(readers).not.toContain(commands);
    await server.close();
  });

  it('refuses to start with an event handler: events every replica must see are not RPC', () => {
    const server = new StreamRpcServer(OPTIONS);
    server.addHandler('gallery.image.added', async () => undefined, true);
    const callback = jest.fn();
    server.listen(callback);
    expect(callback).toHaveBeenCalledWith(expect.objectContaining({ message: expect.any(String) }));
  });

  it('fails a request whose send Redis refuses instead of leaving it unhandled', async () => {
    const client = new StreamRpcClient(OPTIONS);
    void client.connect().catch(() => undefined);
    const [commands] = client.unwrap<[Redis, Redis]>();
    // As if connected: the send itself is what Redis refuses.
    jest.spyOn(client, 'connect').mockResolvedValue(undefined);
    jest.spyOn(commands, 'evalsha').mockRejectedValue(new ReplyError('ERR refused'));
    await expect(
      firstValueFrom(client.send('user.system.ping', {}, { timeoutMs: 1000 })),
    ).rejects.toThrow('ERR refused');
    await client.close();
  });

  it('logs a read of its stream that Redis refuses instead of leaving it unhandled', async () => {
    // Reading starts once the group exists: the first read is refused, later ones find nothing.
    jest.spyOn(Redis.prototype, 'xgroup').mockResolvedValue('OK');
    jest
      .spyOn(Redis.prototype, 'xreadgroup')
      .mockRejectedValueOnce(new ReplyError('ERR refused'))
      .mockImplementation(() => new Promise((resolve) => setTimeout(() => resolve([]), 20)));
    const server = new StreamRpcServer(OPTIONS);
    server.addHandler('user.system.ping', async () => 'pong');
    server.listen(() => undefined);
    await eventuallyLogged(warn, 'ERR refused');
    await server.close();
  });
});

/** Polls the spy: the server's read loop runs on its own. */
async function eventuallyLogged(spy: jest.SpyInstance, text: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (spy.mock.calls.some(([m]) => String(m).includes(text))) return;
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`"${text}" never logged`);
}
