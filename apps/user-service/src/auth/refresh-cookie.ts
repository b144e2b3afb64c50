import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppError } from '@pingvas/common';
import { REFRESH_COOKIE, WEB_CLIENT_HEADER, WEB_CLIENT_VALUE } from '@pingvas/contracts';
import { parse } from 'cookie';
import type { Request, Response } from 'express';
import type { UserServiceConfig } from '../config';
import type { SessionDto, WebSessionDto } from './auth.dto';

/** Where a presented refresh token came from: the JSON body (API clients) or the cookie. */
export interface PresentedToken {
  token: string;
  fromCookie: boolean;
}

const COOKIE_OPTIONS = {
  httpOnly: true,
  // Browsers accept Secure cookies from http://localhost too (a secure context).
  secure: true,
  sameSite: 'strict',
  path: REFRESH_COOKIE.path,
} as const;

/**
 * The refresh-token cookie of browser clients (DESIGN §13). A request is a browser client's when
 * it carries `X-Pingvas-Client: web`; only then is the cookie set or read, so API clients keep
 * the JSON contract and a cross-site form (which cannot add the header) cannot use the cookie.
 */
@Injectable()
export class RefreshCookie {
  constructor(@Inject(APP_CONFIG) private readonly config: UserServiceConfig) {}

  isBrowserClient(req: Request): boolean {
    return req.get(WEB_CLIENT_HEADER)?.trim().toLowerCase() === WEB_CLIENT_VALUE;
  }

  /**
   * The token to refresh or close: the body's when sent, else the browser client's cookie.
   * Undefined when neither is there; a cookie without the header is refused (CSRF).
   */
  presented(req: Request, bodyToken: string | undefined): PresentedToken | undefined {
    if (bodyToken !== undefined) return { token: bodyToken, fromCookie: false };
    const cookie = this.read(req);
    if (cookie === undefined) return undefined;
    if (!this.isBrowserClient(req)) {
      throw new AppError(
        'FORBIDDEN',
        `The refresh cookie is accepted only with the header ${WEB_CLIENT_HEADER}: ${WEB_CLIENT_VALUE}`,
      );
    }
    return { token: cookie, fromCookie: true };
  }

  /** A session as the client expects it: browser clients get the token as a cookie only. */
  deliver(req: Request, res: Response, session: SessionDto): SessionDto | WebSessionDto {
    if (!this.isBrowserClient(req)) return session;
    const { refreshToken, ...rest } = session;
    res.cookie(REFRESH_COOKIE.name, refreshToken, {
      ...COOKIE_OPTIONS,
      maxAge: this.config.tokens.refreshTtlDays * 86_400_000,
    });
    return rest;
  }

  clear(res: Response): void {
    res.clearCookie(REFRESH_COOKIE.name, COOKIE_OPTIONS);
  }

  private read(req: Request): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    const value = parse(header)[REFRESH_COOKIE.name];
    return value ? value : undefined;
  }
}
