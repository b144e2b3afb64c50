import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { JWK } from 'jose';
import { loadBaseConfig } from '../config/env';
import { AccessTokenVerifier } from './access-token.verifier';
import type { AuthenticatedOptions } from './auth-options';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import type { ApiKeyVerifier, RevokedSessions, VerificationKeys } from './ports';
import type { AuthPrincipal } from './principal';

const user: AuthPrincipal = {
  userId: 'u1',
  role: 'user',
  via: 'access_token',
  credentialId: 'j1',
  sessionId: 's1',
};
const keyUser: AuthPrincipal = { userId: 'u2', role: 'admin', via: 'api_key', credentialId: 'k1' };

/** The API key check, answered by a mock the tests steer. */
class StubApiKeys implements ApiKeyVerifier {
  readonly verify = jest.fn<Promise<AuthPrincipal | null>, [string]>().mockResolvedValue(keyUser);
}

/** The closed sign-ins, answered by a mock the tests steer. */
class StubRevokedSessions implements RevokedSessions {
  readonly isRevoked = jest.fn<Promise<boolean>, [string]>().mockResolvedValue(false);
}

/** No keys: the verifier's own check never runs, its `verify` is replaced below. */
class NoKeys implements VerificationKeys {
  find(): Promise<JWK | undefined> {
    return Promise.resolve(undefined);
  }
}

function setup(required?: 'admin', optional = false) {
  const verifier = new AccessTokenVerifier(new NoKeys(), loadBaseConfig('auth-guard-spec', 0, {}));
  const tokens = { verify: jest.spyOn(verifier, 'verify').mockResolvedValue(user) };
  const apiKeys = new StubApiKeys();
  const revoked = new StubRevokedSessions();
  const reflector = new Reflector();
  const options: AuthenticatedOptions = { ...(required && { role: required }), optional };
  jest.spyOn(reflector, 'getAllAndOverride').mockReturnValue(options);
  const sut = new AuthGuard(reflector, verifier, apiKeys, revoked);
  const run = async (authorization?: string) => {
    const req = { headers: { authorization } } as AuthenticatedRequest;
    await sut.canActivate(new ExecutionContextHost([req]));
    return req.principal;
  };
  return { run, mocks: { tokens, apiKeys, revoked } };
}

describe('AuthGuard', () => {
  it('verifies a bearer token and puts the principal on the request', async () => {
    const { run, mocks } = setup();
    await expect(run('Bearer abc.def.ghi')).resolves.toBe(user);
    expect(mocks.tokens.verify).toHaveBeenCalledWith('abc.def.ghi');
    expect(mocks.apiKeys.verify).not.toHaveBeenCalled();
  });

  it('sends pv_ keys to the API key verifier', async () => {
    const { run, mocks } = setup();
    await expect(run('Bearer pv_secret')).resolves.toBe(keyUser);
    expect(mocks.apiKeys.verify).toHaveBeenCalledWith('pv_secret');
    expect(mocks.tokens.verify).not.toHaveBeenCalled();
  });

  it.each([undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b'])(
    'answers 401 for the header %p',
    async (header) => {
      const { run } = setup();
      await expect(run(header)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    },
  );

  it("answers 401 for an access token whose sign-in was closed, checked by the token's sid", async () => {
    const { run, mocks } = setup();
    mocks.revoked.isRevoked.mockResolvedValue(true);
    await expect(run('Bearer abc.def.ghi')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(mocks.revoked.isRevoked).toHaveBeenCalledWith('s1');
  });

  it('does not look up API keys in the closed sign-ins: they belong to none', async () => {
    const { run, mocks } = setup();
    mocks.revoked.isRevoked.mockResolvedValue(true);
    await expect(run('Bearer pv_secret')).resolves.toBe(keyUser);
    expect(mocks.revoked.isRevoked).not.toHaveBeenCalled();
  });

  it('answers 401 for an unknown or revoked API key', async () => {
    const { run, mocks } = setup();
    mocks.apiKeys.verify.mockResolvedValue(null);
    await expect(run('Bearer pv_revoked')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('answers 403 when the caller lacks the required role', async () => {
    const { run } = setup('admin');
    await expect(run('Bearer abc.def.ghi')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(run('Bearer pv_admin_key')).resolves.toBe(keyUser);
  });

  it('lets an optional route through with no caller when no credentials are sent, and still refuses bad ones', async () => {
    const { run, mocks } = setup(undefined, true);
    await expect(run(undefined)).resolves.toBeUndefined();
    expect(mocks.tokens.verify).not.toHaveBeenCalled();
    await expect(run('Basic abc')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(run('Bearer abc.def.ghi')).resolves.toBe(user);
  });

  it('refuses a request with no credentials on a route that is not optional', async () => {
    const { run } = setup();
    await expect(run(undefined)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
