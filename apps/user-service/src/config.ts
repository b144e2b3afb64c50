import { ConfigError, type Env, envBool, envInt, loadServiceConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { z } from 'zod';

const userEnv = {
  ACCESS_TOKEN_TTL_SECONDS: envInt(60, 3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: envInt(1, 365).default(30),
  /**
   * How long after a rotation the old refresh token may be presented again, once, while its
   * successor is still unused: a reload that cut the answer off must not sign the browser out.
   */
  REFRESH_REUSE_GRACE_SECONDS: envInt(0, 120).default(10),
  /** JSON array of Ed25519 private JWKs; the first signs, all are published. */
  JWT_PRIVATE_KEYS: z.string().optional(),
  /** A file holding that JSON array (a mounted Kubernetes secret). */
  JWT_PRIVATE_KEYS_FILE: z.string().optional(),
  /** dev/test only: where a key pair is generated once and kept across restarts. */
  JWT_KEYS_DIR: z.string().default('.var/keys'),
  /**
   * Refuse that generated key (the charts set it): a key on one machine's disk signs tokens the
   * other replicas' JWKS do not hold, and a rolling update or a new node signs everyone out.
   */
  JWT_SHARED_KEYS: envBool().default('false'),
  ADMIN_EMAILS: z.string().default(''),
  AUTH_RATE_LIMIT_PER_MINUTE: envInt(1, 10_000).default(10),
};

export function loadUserServiceConfig(env: Env) {
  const { name } = SERVICES.user;
  return loadServiceConfig(name, SERVICES.user.port, env, userEnv, (e) => {
    // (APP_ENV=prod without keys is refused by the key ring, as before.)
    if (e.JWT_SHARED_KEYS && !e.JWT_PRIVATE_KEYS && !e.JWT_PRIVATE_KEYS_FILE) {
      throw new ConfigError(name, [
        {
          variable: 'JWT_PRIVATE_KEYS',
          problem:
            'is required with JWT_SHARED_KEYS=true (or JWT_PRIVATE_KEYS_FILE): every replica signs with the same keys',
        },
      ]);
    }
    const adminEmails: ReadonlySet<string> = new Set(
      e.ADMIN_EMAILS.split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    );
    return {
      tokens: {
        accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
        refreshTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
        reuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
      },
      signingKeys: {
        json: e.JWT_PRIVATE_KEYS,
        file: e.JWT_PRIVATE_KEYS_FILE,
        devDir: e.JWT_KEYS_DIR,
      },
      adminEmails,
      authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    };
  });
}

export type UserServiceConfig = ReturnType<typeof loadUserServiceConfig>;
