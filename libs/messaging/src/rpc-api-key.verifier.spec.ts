import { type BaseConfig, loadBaseConfig } from '@pingvas/common';
import type { RpcPattern, RpcRequest, RpcResponse } from '@pingvas/contracts';
import { ApiKeyRevocations } from './api-key-revocations';
import { RpcApiKeyVerifier } from './rpc-api-key.verifier';
import { RpcClient } from './rpc-client';

type Answers = { [P in RpcPattern]?: (payload: RpcRequest<P>) => Promise<RpcResponse<P>> };

/** An RPC client with no Redis behind it: `user.apikeys.verify` goes to `verifyKey`, a mock. */
class FakeRpc extends RpcClient {
  readonly verifyKey = jest.fn<
    Promise<RpcResponse<'user.apikeys.verify'>>,
    [pattern: 'user.apikeys.verify', payload: RpcRequest<'user.apikeys.verify'>]
  >();

  private readonly answers: Answers = {
    'user.apikeys.verify': (payload) => this.verifyKey('user.apikeys.verify', payload),
  };

  override send<P extends RpcPattern>(pattern: P, payload: RpcRequest<P>): Promise<RpcResponse<P>> {
    const answer: Answers[P] = this.answers[pattern];
    if (!answer) return Promise.reject(new Error(`no answer for ${pattern}`));
    return answer(payload);
  }
}

/** Stands in for the pub/sub channel: `revoke()` plays user-service's announcement. */
class FakeRevocations extends ApiKeyRevocations {
  private listener?: (keyId: string) => void;

  override listen(listener: (keyId: string) => void): void {
    this.listener = listener;
  }

  revoke(keyId: string): void {
    this.listener?.(keyId);
  }
}

function setup(cacheMs = 60_000) {
  const base = loadBaseConfig('rpc-api-key-verifier-spec', 0, {});
  const config: BaseConfig = { ...base, auth: { ...base.auth, apiKeyCacheMs: cacheMs } };
  const rpc = new FakeRpc(config);
  const revocations = new FakeRevocations(config);
  const sut = new RpcApiKeyVerifier(rpc, config, revocations);
  sut.onApplicationBootstrap();
  return { sut, mocks: { rpc: { send: rpc.verifyKey }, revocations } };
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
