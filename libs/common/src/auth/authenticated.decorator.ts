import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AppError } from '../errors/app-error';
import { AUTH_OPTIONS, type AuthenticatedOptions } from './auth-options';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import type { AuthPrincipal } from './principal';

export { AUTH_OPTIONS, type AuthenticatedOptions } from './auth-options';

/** Protects a controller or route: a valid access token or API key, and the role if given. */
export function Authenticated(options: AuthenticatedOptions = {}) {
  return applyDecorators(
    SetMetadata(AUTH_OPTIONS, options),
    UseGuards(AuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      description: 'UNAUTHORIZED: missing, invalid or expired credentials',
    }),
    ...(options.role
      ? [ApiForbiddenResponse({ description: `FORBIDDEN: needs the ${options.role} role` })]
      : []),
  );
}

/** The caller on an `optional` route, or undefined when none signed in. */
export const OptionalUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthPrincipal | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);

/** The authenticated caller (only on routes behind @Authenticated). */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthPrincipal => {
    const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new AppError('UNAUTHORIZED', 'Sign in first');
    return principal;
  },
);
