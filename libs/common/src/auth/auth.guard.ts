import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { AccessTokenVerifier } from './access-token.verifier';
import { AUTH_OPTIONS, type AuthenticatedOptions } from './auth-options';
import { ApiKeyVerifier, RevokedSessions } from './ports';
import type { AuthPrincipal } from './principal';

export const API_KEY_PREFIX = 'pv_';
/** Longer than any key user-service issues (`pv_` and 43 characters), with room to change. */
export const API_KEY_MAX_LENGTH = 128;

export type AuthenticatedRequest = Request & { principal?: AuthPrincipal };

/**
 * The one guard every service uses: `Authorization: Bearer <access token>` verified locally,
 * or `Bearer pv_...` API keys checked by user-service. Missing or bad credentials are 401, and
 * so is an access token whose sign-in was closed (logout) before it expired; a valid caller
 * without the required role is 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly revoked: RevokedSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options =
      this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTH_OPTIONS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (options.optional && !req.headers.authorization) return true;
    const principal = await this.authenticate(req.headers.authorization);
    if (options.role && principal.role !== options.role) {
      throw new AppError('FORBIDDEN', `This needs the ${options.role} role`);
    }
    req.principal = principal;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<AuthPrincipal> {
    const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
    if (!match)
      throw new AppError('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <token>');
    const credential = match[1];
    if (credential.startsWith(API_KEY_PREFIX)) {
      const principal = await this.apiKeys.verify(credential);
      if (!principal) throw new AppError('UNAUTHORIZED', 'The API key is not valid');
      return principal;
    }
    const principal = await this.tokens.verify(credential);
    if (principal.sessionId && (await this.revoked.isRevoked(principal.sessionId)))
      throw new AppError('UNAUTHORIZED', 'This sign-in was closed; sign in again');
    return principal;
  }
}
