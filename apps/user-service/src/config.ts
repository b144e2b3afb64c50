import { ConfigError, type Env, envBool, envInt, envUrl, loadServiceConfig } from '@pingvas/common';
import { EXPORT_LINK_TTL_HOURS, SERVICES } from '@pingvas/contracts';
import { loadStorageConfig } from '@pingvas/storage';
import { z } from 'zod';

/**
 * dev/test only: the HMAC key of export links when EXPORT_LINK_SECRET is unset. Fixed rather
 * than random per process, so a link mailed before a restart (or by another replica) still
 * works; prod refuses to start without a real secret.
 */
export const DEV_EXPORT_LINK_SECRET = 'pingvas-dev-export-link-secret-not-for-production';

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
  /** Where the web app is served: the links we mail land there (/verify-email, /reset-password). */
  PUBLIC_WEB_URL: envUrl(['http:', 'https:']).default('http://localhost:8080'),
  /**
   * HMAC-SHA256 key of the signed export links (GET /api/v1/exports/:id?expires=&sig=); every
   * replica needs the same one. Required in prod; dev and test use DEV_EXPORT_LINK_SECRET.
   */
  EXPORT_LINK_SECRET: z.string().min(32, 'must have at least 32 characters').optional(),
  /** How long an export link works once the zip is ready. */
  EXPORT_LINK_TTL_HOURS: envInt(1, 7 * 24).default(EXPORT_LINK_TTL_HOURS),
  /** How often refresh tokens, mailed tokens and export rows long past their life are deleted. */
  USER_MAINTENANCE_INTERVAL_MS: envInt(100, 86_400_000).default(3_600_000),
};

export function loadUserServiceConfig(env: Env) {
  const { name } = SERVICES.user;
  return loadServiceConfig(name, SERVICES.user.port, env, userEnv, (e, base) => {
    const problems: { variable: string; problem: string }[] = [];
    // (APP_ENV=prod without keys is refused by the key ring, as before.)
    if (e.JWT_SHARED_KEYS && !e.JWT_PRIVATE_KEYS && !e.JWT_PRIVATE_KEYS_FILE) {
      problems.push({
        variable: 'JWT_PRIVATE_KEYS',
        problem:
          'is required with JWT_SHARED_KEYS=true (or JWT_PRIVATE_KEYS_FILE): every replica signs with the same keys',
      });
    }
    if (base.appEnv === 'prod' && !e.EXPORT_LINK_SECRET) {
      problems.push({ variable: 'EXPORT_LINK_SECRET', problem: 'is required in prod' });
    }
    if (problems.length > 0) throw new ConfigError(name, problems);
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
      publicWebUrl: e.PUBLIC_WEB_URL.replace(/\/+$/, ''),
      exports: {
        linkSecret: e.EXPORT_LINK_SECRET ?? DEV_EXPORT_LINK_SECRET,
        linkTtlHours: e.EXPORT_LINK_TTL_HOURS,
      },
      maintenance: { intervalMs: e.USER_MAINTENANCE_INTERVAL_MS },
      /** Where the system worker writes export zips; GET /exports/:id streams them from here. */
      storage: loadStorageConfig(name, env),
    };
  });
}

export type UserServiceConfig = ReturnType<typeof loadUserServiceConfig>;
