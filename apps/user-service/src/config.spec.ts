import { ConfigError } from '@pingvas/common';
import { loadUserServiceConfig } from './config';

const KEYS = '[{"kty":"OKP","crv":"Ed25519","d":"x","x":"y"}]';

describe('user-service signing keys config', () => {
  it('refuses JWT_SHARED_KEYS=true without a key set, naming JWT_PRIVATE_KEYS', () => {
    let error: unknown;
    try {
      loadUserServiceConfig({ APP_ENV: 'dev', JWT_SHARED_KEYS: 'true' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: 'JWT_PRIVATE_KEYS', problem: expect.stringMatching(/every replica/) },
    ]);
  });

  it.each([{ JWT_PRIVATE_KEYS: KEYS }, { JWT_PRIVATE_KEYS_FILE: '/run/secrets/jwt.json' }])(
    'takes a shared key set from %j',
    (keys) => {
      const config = loadUserServiceConfig({ JWT_SHARED_KEYS: 'true', ...keys });
      expect(config.signingKeys).toMatchObject({
        json: keys.JWT_PRIVATE_KEYS,
        file: keys.JWT_PRIVATE_KEYS_FILE,
      });
    },
  );

  it('still lets one dev machine generate its own key by default', () => {
    expect(loadUserServiceConfig({}).signingKeys).toEqual({
      json: undefined,
      file: undefined,
      devDir: '.var/keys',
    });
  });
});

describe('user-service account lifecycle config', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadUserServiceConfig(env);
    } catch (err) {
      return (err as ConfigError).problems;
    }
    return [];
  };

  it('refuses prod without EXPORT_LINK_SECRET, and a short one anywhere', () => {
    expect(problemsOf({ APP_ENV: 'prod', JWT_PRIVATE_KEYS: KEYS })).toEqual([
      { variable: 'EXPORT_LINK_SECRET', problem: 'is required in prod' },
    ]);
    expect(problemsOf({ EXPORT_LINK_SECRET: 'too short' })).toEqual([
      { variable: 'EXPORT_LINK_SECRET', problem: expect.stringMatching(/at least 32/) },
    ]);
    const secret = 'x'.repeat(32);
    expect(
      loadUserServiceConfig({ APP_ENV: 'prod', JWT_PRIVATE_KEYS: KEYS, EXPORT_LINK_SECRET: secret })
        .exports,
    ).toEqual({ linkSecret: secret, linkTtlHours: 24 });
  });

  it('mails links to PUBLIC_WEB_URL, http://localhost:8080 by default', () => {
    expect(loadUserServiceConfig({}).publicWebUrl).toBe('http://localhost:8080');
    expect(loadUserServiceConfig({ PUBLIC_WEB_URL: 'https://pingvas.app/' }).publicWebUrl).toBe(
      'https://pingvas.app',
    );
    expect(problemsOf({ PUBLIC_WEB_URL: 'ftp://x' })).toEqual([
      { variable: 'PUBLIC_WEB_URL', problem: expect.any(String) },
    ]);
  });

  it('prunes spent tokens and export rows hourly unless USER_MAINTENANCE_INTERVAL_MS says otherwise', () => {
    expect(loadUserServiceConfig({}).maintenance).toEqual({ intervalMs: 3_600_000 });
    expect(
      loadUserServiceConfig({ USER_MAINTENANCE_INTERVAL_MS: '60000' }).maintenance.intervalMs,
    ).toBe(60_000);
    expect(problemsOf({ USER_MAINTENANCE_INTERVAL_MS: '10' })).toEqual([
      { variable: 'USER_MAINTENANCE_INTERVAL_MS', problem: expect.any(String) },
    ]);
  });
});
