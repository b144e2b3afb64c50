import { Inject, Injectable } from '@nestjs/common';
import { errors, importJWK, type JWTHeaderParameters, jwtVerify, type KeyLike } from 'jose';
import { APP_CONFIG } from '../config/config.tokens';
import type { BaseConfig } from '../config/env';
import { AppError } from '../errors/app-error';
import { VerificationKeys } from './ports';
import { type AuthPrincipal, isRole } from './principal';

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

const unauthorized = (message: string) => new AppError('UNAUTHORIZED', message);

/**
 * Verifies access tokens locally: EdDSA only (so `alg: none` and HMAC tricks fail), with the
 * expected issuer and audience, an unexpired `exp`, and the claims a principal needs.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly keys: VerificationKeys,
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
  ) {}

  async verify(token: string): Promise<AuthPrincipal> {
    const resolveKey = async (header: JWTHeaderParameters): Promise<KeyLike | Uint8Array> => {
      if (!header.kid) throw unauthorized('The access token names no key');
      const jwk = await this.keys.find(header.kid);
      if (!jwk) throw unauthorized('The access token was signed with an unknown key');
      return importJWK(
        { ...jwk, alg: ACCESS_TOKEN_ALGORITHM },
        ACCESS_TOKEN_ALGORITHM,
      ) as Promise<KeyLike>;
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
      return {
        userId: String(payload.sub),
        role: payload.role,
        via: 'access_token',
        credentialId: String(payload.jti),
        ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}),
      };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw unauthorized('The access token has expired');
      throw unauthorized('The access token is not valid');
    }
  }
}
