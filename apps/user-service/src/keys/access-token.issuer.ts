import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_ALGORITHM, APP_CONFIG, type Role } from '@pingvas/common';
import { SignJWT } from 'jose';
import type { UserServiceConfig } from '../config';
import { KeyRing } from './key-ring';

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/**
 * Short-lived access tokens (15 minutes by default): `sub`, `role`, `jti`, `iss`, `aud`, the
 * `kid` header, and `sid`, the sign-in it belongs to (so a password change can keep it).
 */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    @Inject(APP_CONFIG) private readonly config: UserServiceConfig,
  ) {}

  async issue(user: { id: string; role: Role }, sessionId: string): Promise<IssuedAccessToken> {
    const { kid, key } = this.keys.signer();
    const expiresIn = this.config.tokens.accessTtlSeconds;
    const token = await new SignJWT({ role: user.role, sid: sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: 'JWT' })
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuer(this.config.auth.issuer)
      .setAudience(this.config.auth.audience)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(key);
    return { token, expiresIn };
  }
}
