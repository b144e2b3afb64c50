import { ConfigError, loadBaseConfig } from './env';

describe('loadBaseConfig', () => {
  it('fills every default for a dev process from an empty environment', () => {
    const config = loadBaseConfig('user-service', 8001, {});
    expect(config).toEqual({
      processName: 'user-service',
      appEnv: 'dev',
      http: {
        host: '0.0.0.0',
        port: 8001,
        bodyLimit: '1mb',
        trustProxy: 'loopback',
        corsOrigins: [],
      },
      logLevel: 'info',
      database: { url: 'postgres://postgres@127.0.0.1:5432/pingvas', schema: 'dev_pingvas' },
      redis: { url: 'redis://127.0.0.1:6379/0' },
      rpc: { namespace: 'pingvas:dev', timeoutMs: 3000 },
      queue: { prefix: 'bull:dev' },
      shutdownTimeoutMs: 10_000,
      auth: {
        jwksUrl: 'http://127.0.0.1:8001/.well-known/jwks.json',
        issuer: 'pingvas',
        audience: 'pingvas',
        apiKeyCacheMs: 60_000,
      },
    });
  });

  it('derives the schema, Redis DB and RPC namespace from APP_ENV=prod (seeds: prod_pingvas, DB 1)', () => {
    const config = loadBaseConfig('user-service', 8001, { APP_ENV: 'prod' });
    expect(config.database.schema).toBe('prod_pingvas');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379/1');
    expect(config.rpc.namespace).toBe('pingvas:prod');
    expect(config.queue.prefix).toBe('bull:prod');
  });

  it('reads CORS_ORIGINS as a list of exact origins', () => {
    const config = loadBaseConfig('x', 8001, {
      CORS_ORIGINS: 'https://app.example.com, http://localhost:3000,',
    });
    expect(config.http.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:3000']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadBaseConfig('x', 8001, { PORT: '', DB_SCHEMA: '' }).http.port).toBe(8001);
  });

  it.each([
    ['PORT', 'abc', /PORT: must be a whole number from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT: must be a whole number/],
    ['APP_ENV', 'staging', /APP_ENV: must be dev, prod or test \(got "staging"\)/],
    [
      'DATABASE_URL',
      'mysql://x',
      /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//,
    ],
    ['REDIS_URL', 'not a url', /REDIS_URL: must be a URL/],
    ['DB_SCHEMA', 'Drop Table', /DB_SCHEMA: must be a lower-case SQL identifier/],
    ['HTTP_BODY_LIMIT', 'lots', /HTTP_BODY_LIMIT: must be a size/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of/],
    ['CORS_ORIGINS', '*', /CORS_ORIGINS: must be a comma list of origins/],
    ['CORS_ORIGINS', 'https://a.example/app', /CORS_ORIGINS: must be a comma list of origins/],
    ['CORS_ORIGINS', 'ftp://a.example', /CORS_ORIGINS: must be a comma list of origins/],
  ])('refuses %s=%s with a message naming the variable', (variable, value, message) => {
    let error: unknown;
    try {
      loadBaseConfig('payment-service', 8002, { [variable]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^Invalid configuration for payment-service:/);
  });

  it('lists every bad variable at once', () => {
    expect(() => loadBaseConfig('x', 1, { PORT: 'abc', APP_ENV: 'qa' })).toThrow(
      /APP_ENV[\s\S]*PORT|PORT[\s\S]*APP_ENV/,
    );
  });
});
