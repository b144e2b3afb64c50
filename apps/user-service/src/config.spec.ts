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
