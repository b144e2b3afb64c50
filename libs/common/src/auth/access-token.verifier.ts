import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  jwtVerify,
  type KeyLike,
} from 'jose';
import { APP_CONFIG } from '../config/config.tokens';
import type { BaseConfig } from '../config/env';
import { AppError } from '../errors/app-error';
import { VerificationKeys } from './ports';
import { type AuthPrincipal, isRole } from './principal';

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
/** Verified tokens kept (by hash) so a client's next requests skip the signature check. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

const unauthorized = (message: string) => new AppError('UNAUTHORIZED', message);

interface VerifiedToken {
  principal: AuthPrincipal;
  kid: string;
  /** The public key that verified it: the entry holds only while that key is still published. */
  x: unknown;
  expiresAtMs: number;
}

/**
 * Verifies access tokens locally: EdDSA only (so `alg: none` and HMAC tricks fail), with the
 * expected issuer and audience, an unexpired `exp`, and the claims a principal needs.
 * An Ed25519 check costs more than the rest of a simple read, so a verified token is
 * remembered by its SHA-256 until its `exp` (bounded, least recently used first out), and
 * only while the key that signed it is still known; the guard's revocation check still runs
 * on every request.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly importedKeys = new Map<string, Promise<KeyLike | Uint8Array>>();

  constructor(
    private readonly keys: VerificationKeys,
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
  ) {}

  async verify(token: string): Promise<AuthPrincipal> {
    const digest = createHash('sha256').update(token).digest('base64url');
    const cached = this.verified.get(digest);
    if (cached) {
      this.verified.delete(digest);
      if (Date.now() < cached.expiresAtMs && (await this.keys.find(cached.kid))?.x === cached.x) {
        this.verified.set(digest, cached);
        return cached.principal;
      }
    }
    let used: JWK | undefined;
    const resolveKey = async (header: JWTHeaderParameters): Promise<KeyLike | Uint8Array> => {
      if (!header.kid) throw unauthorized('The access token names no key');
      const jwk = await this.keys.find(header.kid);
      if (!jwk) throw unauthorized('The access token was signed with an unknown key');
      used = jwk;
      return this.importKey(header.kid, jwk);
    };
    try {
      const { payload } = await jwtVerify(token, resolveKey, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        clockTolerance: 5,
      });
      if (!isRole(payload.role)) throw unauthorized('The access token has no valid role');
      const principal: AuthPrincipal = {
        userId: String(payload.sub),
        role: payload.role,
        via: 'access_token',
        credentialId: String(payload.jti),
        ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}),
      };
      const kid = decodeProtectedHeader(token).kid;
      if (kid && used)
        this.remember(digest, { principal, kid, x: used.x, expiresAtMs: payload.exp! * 1000 });
      return principal;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw unauthorized('The access token has expired');
      throw unauthorized('The access token is not valid');
    }
  }

  private remember(digest: string, entry: VerifiedToken): void {
    this.verified.set(digest, entry);
    if (this.verified.size > VERIFIED_TOKEN_CACHE_SIZE)
      this.verified.delete(this.verified.keys().next().value!);
  }

  /** One import per published key: turning a JWK into a key object is itself a cost per request. */
  private importKey(kid: string, jwk: JWK): Promise<KeyLike | Uint8Array> {
    const id = `${kid}:${String(jwk.x)}`;
    let key = this.importedKeys.get(id);
    if (!key) {
      key = importJWK({ ...jwk, alg: ACCESS_TOKEN_ALGORITHM }, ACCESS_TOKEN_ALGORITHM);
      // A rejected import is not kept; the set of keys is small and changes on rotation only.
      key.catch(() => this.importedKeys.delete(id));
      if (this.importedKeys.size >= 32) this.importedKeys.clear();
      this.importedKeys.set(id, key);
    }
    return key;
  }
}
