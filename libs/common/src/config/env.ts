import { z } from 'zod';
import { checkRedisEnv, redisEnvShape, redisUrlOf } from './redis-env';

export type Env = Readonly<Record<string, string | undefined>>;

export const APP_ENVS = ['dev', 'prod', 'test'] as const;
export type AppEnv = (typeof APP_ENVS)[number];

/** Thrown when the environment does not describe a runnable process; names every bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly processName: string,
    readonly problems: { variable: string; problem: string }[],
  ) {
    super(
      `Invalid configuration for ${processName}:\n` +
        problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, so `FOO=` falls back to the default like a missing variable. */
function withoutEmpty(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** A value as an error may show it: a URL's password (`//user:pass@`) becomes `***`. */
const masked = (value: string) => value.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');

/**
 * Parses `env` with a zod schema over the variables (an object whose keys are variable names,
 * maybe with a `.transform()` to the config it makes), naming every bad variable.
 */
export function parseEnv<S extends z.ZodTypeAny>(
  processName: string,
  schema: S,
  env: Env,
): z.output<S> {
  const source = withoutEmpty(env);
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    processName,
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const given = source[variable];
      return {
        variable,
        problem: given === undefined ? issue.message : `${issue.message} (got "${masked(given)}")`,
      };
    }),
  );
}

export const envInt = (min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

export const envBool = () =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1');

export const envUrl = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (a-z, 0-9, _)');

const channelPrefix = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of letters, digits, _ . : -');

const byteSize = z.string().regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 512kb or 1mb');

/** A comma list of exact origins (`https://app.example.com,http://localhost:3000`), no `*`. */
const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .refine(
    (origins) =>
      origins.every((origin) => {
        try {
          const url = new URL(origin);
          return ['http:', 'https:'].includes(url.protocol) && url.origin === origin;
        } catch {
          return false;
        }
      }),
    { message: 'must be a comma list of origins such as https://app.example.com (no path, no *)' },
  );

/** Redis DB index per environment (seeds: dev 0, prod 1); tests use 2 unless told otherwise. */
const REDIS_DB: Record<AppEnv, number> = { dev: 0, prod: 1, test: 2 };

/** Variables every process reads (README lists them with their defaults). */
const baseEnvShape = {
  APP_ENV: z.enum(APP_ENVS, { message: 'must be dev, prod or test' }).default('dev'),
  HOST: z.string().default('0.0.0.0'),
  // PORT=0 takes any free port (tests boot several services in one process); the default is the process's own.
  PORT: envInt(0, 65_535).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  DATABASE_URL: envUrl(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/pingvas',
  ),
  DB_SCHEMA: identifier.optional(),
  ...redisEnvShape,
  RPC_TIMEOUT_MS: envInt(50, 60_000).default(3000),
  RPC_NAMESPACE: channelPrefix.optional(),
  QUEUE_PREFIX: channelPrefix.optional(),
  HTTP_BODY_LIMIT: byteSize.default('1mb'),
  SHUTDOWN_TIMEOUT_MS: envInt(0, 600_000).default(10_000),
  TRUST_PROXY: z.string().default('loopback'),
  /** Third-party browser origins allowed to call the API (CORS); none by default. */
  CORS_ORIGINS: originList.default(''),
  JWKS_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:8001/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('pingvas'),
  JWT_AUDIENCE: z.string().min(1).default('pingvas'),
  API_KEY_CACHE_MS: envInt(0, 3_600_000).default(60_000),
};

export const baseEnvSchema = z.object(baseEnvShape).superRefine(checkRedisEnv);

type BaseEnv = z.output<typeof baseEnvSchema>;

/** The config every process gets from the variables above. */
function toBaseConfig(processName: string, defaultPort: number, e: BaseEnv) {
  return {
    processName,
    appEnv: e.APP_ENV,
    http: {
      host: e.HOST,
      port: e.PORT ?? defaultPort,
      bodyLimit: e.HTTP_BODY_LIMIT,
      trustProxy: e.TRUST_PROXY,
      corsOrigins: e.CORS_ORIGINS,
    },
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, schema: e.DB_SCHEMA ?? `${e.APP_ENV}_pingvas` },
    redis: { url: redisUrlOf(e, `redis://127.0.0.1:6379/${REDIS_DB[e.APP_ENV]}`) },
    // Redis pub/sub ignores the DB index, so RPC channels carry the environment in their name.
    rpc: { namespace: e.RPC_NAMESPACE ?? `pingvas:${e.APP_ENV}`, timeoutMs: e.RPC_TIMEOUT_MS },
    // Environments already differ by Redis DB; the prefix keeps them apart on a shared DB too.
    queue: { prefix: e.QUEUE_PREFIX ?? `bull:${e.APP_ENV}` },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auth: {
      jwksUrl: e.JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      apiKeyCacheMs: e.API_KEY_CACHE_MS,
    },
  };
}

export type BaseConfig = ReturnType<typeof toBaseConfig>;

export function loadBaseConfig(processName: string, defaultPort: number, env: Env): BaseConfig {
  return loadServiceConfig(processName, defaultPort, env, {}, () => ({}));
}

/**
 * One process's config from one schema: the base variables plus its own `shape` (each variable
 * named once, with its rule and default), and `build` turning them into the process's own part
 * of the config (its type is what `build` returns). Every bad variable is named at once.
 */
export function loadServiceConfig<S extends z.ZodRawShape, C extends object>(
  processName: string,
  defaultPort: number,
  env: Env,
  shape: S,
  build: (e: z.output<z.ZodObject<S>>, base: BaseConfig) => C,
): BaseConfig & C {
  const own = z.object(shape);
  const schema = baseEnvSchema.and(own).transform((e) => {
    const base = toBaseConfig(processName, defaultPort, e);
    return { ...base, ...build(e, base) };
  });
  return parseEnv(processName, schema, env);
}
