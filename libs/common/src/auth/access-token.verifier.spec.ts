import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { BaseConfig } from '../config/env';
import { AccessTokenVerifier } from './access-token.verifier';
import type { VerificationKeys } from './ports';

const auth = { issuer: 'pingvas-test', audience: 'pingvas' };

async function setup() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA');
  const published = new Map<string, JWK>([['k1', await exportJWK(publicKey)]]);
  const keys = { find: jest.fn(async (kid: string) => published.get(kid)) };
  const sut = new AccessTokenVerifier(keys as VerificationKeys, { auth } as BaseConfig);
  const sign = (claims: Record<string, unknown> = {}, expiresIn = '15m') =>
    new SignJWT({ role: 'user', sid: 's1', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject('u1')
      .setJti('j1')
      .setIssuedAt()
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setExpirationTime(expiresIn)
      .sign(privateKey);
  return { sut, sign, published, keys };
}

describe('AccessTokenVerifier', () => {
  it('answers the same principal for a token it verified before', async () => {
    const { sut, sign } = await setup();
    const token = await sign();
    const first = await sut.verify(token);
    await expect(sut.verify(token)).resolves.toEqual(first);
    expect(first).toEqual({
      userId: 'u1',
      role: 'user',
      via: 'access_token',
      credentialId: 'j1',
      sessionId: 's1',
    });
  });

  it('refuses a remembered token once the key that signed it is no longer published', async () => {
    const { sut, sign, published } = await setup();
    const token = await sign();
    await sut.verify(token);
    published.delete('k1');
    await expect(sut.verify(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a token that differs from a remembered one by its signature', async () => {
    const { sut, sign } = await setup();
    const token = await sign();
    await sut.verify(token);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(sut.verify(tampered)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a remembered token after its expiry', async () => {
    const { sut, sign } = await setup();
    const token = await sign({}, '10s');
    await sut.verify(token);
    jest.useFakeTimers({ now: Date.now() + 60_000, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await expect(sut.verify(token)).rejects.toMatchObject({
        message: 'The access token has expired',
      });
    } finally {
      jest.useRealTimers();
    }
  });
});
