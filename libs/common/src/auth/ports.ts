import type { JWK } from 'jose';
import type { AuthPrincipal } from './principal';

/**
 * Where verification keys come from: user-service reads its own key ring, every other
 * service the JWKS that user-service publishes.
 */
export abstract class VerificationKeys {
  /** The public JWK for `kid`, or undefined when no such key is known (even after a refresh). */
  abstract find(kid: string): Promise<JWK | undefined>;
}

/** Checks an API key (`pv_...`); null when it is unknown or revoked. */
export abstract class ApiKeyVerifier {
  abstract verify(secret: string): Promise<AuthPrincipal | null>;
}

/**
 * Sign-ins closed before their access tokens expire (logout, a reused refresh token, a
 * password change): the guard refuses a token whose `sid` is here.
 */
export abstract class RevokedSessions {
  abstract isRevoked(sessionId: string): Promise<boolean>;
}
