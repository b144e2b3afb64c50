export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: set by the auth guard on every authenticated request. */
export interface AuthPrincipal {
  userId: string;
  role: Role;
  /** How the caller proved it: a short-lived access token or a long-lived API key. */
  via: 'access_token' | 'api_key';
  /** The token's `jti` or the API key's id. */
  credentialId: string;
  /** The sign-in (refresh token family) an access token belongs to; none for API keys. */
  sessionId?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
