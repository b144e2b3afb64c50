/**
 * How the browser app identifies itself to user-service (README: Accounts and access). With
 * this header, sign-up, login and refresh put the refresh token in an HttpOnly cookie instead of
 * the JSON body, and refresh and logout read it from there. The header doubles as the CSRF
 * guard of cookie-authenticated calls: a cross-site page cannot send a custom header without a
 * CORS preflight, which the services refuse for any origin not in CORS_ORIGINS.
 */
export const WEB_CLIENT_HEADER = 'X-Pingvas-Client';
export const WEB_CLIENT_VALUE = 'web';

/** The refresh-token cookie: HttpOnly, Secure, SameSite=Strict, scoped to the auth routes. */
export const REFRESH_COOKIE = {
  name: 'pingvas_refresh',
  /** Covers /api/v1/auth/refresh and /api/v1/auth/logout, and is sent nowhere else. */
  path: '/api/v1/auth',
} as const;
