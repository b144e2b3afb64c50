import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

/**
 * CORS for third-party browser apps that call the API with a bearer token or an API key
 * (CORS_ORIGINS). The suite's own web app is served from the API's origin and needs none.
 * Credentials are not allowed, and X-Pingvas-Client is not an allowed header: the refresh
 * cookie stays usable from the suite's own origin only.
 */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
    credentials: false,
    maxAge: 600,
  };
}
