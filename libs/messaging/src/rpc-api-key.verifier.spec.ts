import type { BaseConfig } from '@pingvas/common';
import type { ApiKeyRevocations } from './api-key-revocations';
import { RpcApiKeyVerifier } from './rpc-api-key.verifier';
import type { RpcClient } from './rpc-client';

/** Stands in for the pub/sub channel: `revoke()` plays user-service's announcement. */
class FakeRevocations {
  private listener?: (keyId: string) => void;

  listen(listener: (keyId: string) => void): void {
    this.listener = listener;
  }

  revoke(keyId: string): void {
    this.listener?.(keyId);
  }
}

function setup(cacheMs = 60_000) {
  const rpc = { send: jest.fn() };
  const config = { auth: { apiKeyCacheMs: cacheMs } } as BaseConfig;
  const revocations = new FakeRevocations();
  const sut = new RpcApiKeyVerifier(
    rpc as unknown as RpcClient,
    config,
    revocations as unknown as ApiKeyRevocations,
  );
  sut.onApplicationBootstrap();
  return { sut, mocks: { rpc, revocations } };
}

describe('RpcApiKeyVerifier', () => {
  afterEach(() => jest.useRealTimers());

  it('asks user-service and maps a valid key to a principal', async () => {
    const { sut, mocks } = setup();
    mocks.rpc.send.mockResolvedValue({ valid: true, userId: 'u1', role: 'user', keyId: 'k1' });
    await expect(sut.verify('pv_a')).resolves.toEqual({
      userId: 'u1',
      role: 'user',
      via: 'api_key',
      credentialId: 'k1',
    });
    expect(mocks.rpc.send).toHaveBeenCalledWith('user.apikeys.verify', { secret: 'pv_a' });
  });

  it('answers from its cache, valid or not, until the cache time passes', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { sut, mocks } = setup(60_000);
    mocks.rpc.send.mockResolvedValueOnce({ valid: true, userId: 'u1', role: 'user', keyId: 'k1' });
    mocks.rpc.send.mockResolvedValueOnce({ valid: false });
    await sut.verify('pv_a');
    jest.setSystemTime(1_000_000 + 59_000);
    await expect(sut.verify('pv_a')).resolves.not.toBeNull();
    expect(mocks.rpc.send).toHaveBeenCalledTimes(1);
    jest.setSystemTime(1_000_000 + 61_000);
    await expect(sut.verify('pv_a')).resolves.toBeNull();
    expect(mocks.rpc.send).toHaveBeenCalledTimes(2);
  });

  it('asks again at once for a key whose revocation was announced, and only for that key', async () => {
    const { sut, mocks } = setup(60_000);
    mocks.rpc.send.mockImplementation((_pattern: string, { secret }: { secret: string }) =>
      Promise.resolve({ valid: true, userId: 'u1', role: 'user', keyId: `k-${secret}` }),
    );
    await sut.verify('pv_a');
    await sut.verify('pv_b');
    mocks.revocations.revoke('k-pv_a');
    mocks.rpc.send.mockResolvedValueOnce({ valid: false });
    await expect(sut.verify('pv_a')).resolves.toBeNull();
    await expect(sut.verify('pv_b')).resolves.not.toBeNull();
    expect(mocks.rpc.send).toHaveBeenCalledTimes(3);
  });

  it('does not cache a failed call, so an outage does not lock a key out', async () => {
    const { sut, mocks } = setup();
    mocks.rpc.send.mockRejectedValueOnce(new Error('upstream down'));
    mocks.rpc.send.mockResolvedValueOnce({ valid: true, userId: 'u1', role: 'user', keyId: 'k1' });
    await expect(sut.verify('pv_a')).rejects.toThrow('upstream down');
    await expect(sut.verify('pv_a')).resolves.not.toBeNull();
  });

  it('refuses a secret longer than any key without asking user-service (its contract would answer 400)', async () => {
    const { sut, mocks } = setup();
    await expect(sut.verify(`pv_${'a'.repeat(5000)}`)).resolves.toBeNull();
    expect(mocks.rpc.send).not.toHaveBeenCalled();
  });

  it('caches nothing when API_KEY_CACHE_MS is 0', async () => {
    const { sut, mocks } = setup(0);
    mocks.rpc.send.mockResolvedValue({ valid: false });
    await sut.verify('pv_a');
    await sut.verify('pv_a');
    expect(mocks.rpc.send).toHaveBeenCalledTimes(2);
  });
});
