import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AppError } from '@pingvas/common';
import { REFRESH_COOKIE, WEB_CLIENT_HEADER, WEB_CLIENT_VALUE } from '@pingvas/contracts';
import { RateLimit } from '@pingvas/messaging';
import type { Request, Response } from 'express';
import { LoginDto, RefreshDto, SessionDto, SignupDto, WebSessionDto } from './auth.dto';
import { AuthService } from './auth.service';
import { RefreshCookie } from './refresh-cookie';

/** A cookie that no longer opens anything is removed, so the app stops presenting it. */
const CLOSES_COOKIE = new Set(['INVALID_REFRESH_TOKEN', 'REFRESH_REUSED']);

@ApiTags('auth')
@ApiHeader({
  name: WEB_CLIENT_HEADER,
  required: false,
  description: `"${WEB_CLIENT_VALUE}": the refresh token travels in the HttpOnly cookie ${REFRESH_COOKIE.name} (Path=${REFRESH_COOKIE.path}) instead of the JSON body`,
})
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Post('signup')
  @RateLimit('ip', 'email')
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN' })
  async signup(
    @Body() body: SignupDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionDto | WebSessionDto> {
    return this.cookie.deliver(req, res, await this.auth.signup(body));
  }

  @Post('login')
  @HttpCode(200)
  @RateLimit('ip', 'email')
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS' })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionDto | WebSessionDto> {
    return this.cookie.deliver(req, res, await this.auth.login(body));
  }

  @Post('refresh')
  @HttpCode(200)
  @RateLimit('ip')
  @ApiOperation({ summary: 'Trade a refresh token for a new pair (the old one stops working)' })
  @ApiUnauthorizedResponse({
    description: 'INVALID_REFRESH_TOKEN, or REFRESH_REUSED (the sign-in is closed)',
  })
  @ApiForbiddenResponse({ description: `FORBIDDEN: the cookie without ${WEB_CLIENT_HEADER}` })
  async refresh(
    @Body() body: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionDto | WebSessionDto> {
    const presented = this.cookie.presented(req, body.refreshToken);
    if (!presented) throw missingToken(this.cookie.isBrowserClient(req));
    try {
      return this.cookie.deliver(req, res, await this.auth.refresh(presented.token));
    } catch (err) {
      if (presented.fromCookie && err instanceof AppError && CLOSES_COOKIE.has(err.code)) {
        this.cookie.clear(res);
      }
      throw err;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Close this sign-in: its refresh tokens stop working' })
  async logout(
    @Body() body: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const presented = this.cookie.presented(req, body.refreshToken);
    const browser = this.cookie.isBrowserClient(req);
    if (browser) this.cookie.clear(res);
    if (!presented) {
      // A browser with no cookie is signed out already; an API client must say which sign-in.
      if (browser) return;
      throw missingToken(false);
    }
    await this.auth.logout(presented.token);
  }
}

function missingToken(browser: boolean): AppError {
  return browser
    ? new AppError('INVALID_REFRESH_TOKEN', `No ${REFRESH_COOKIE.name} cookie: sign in again`)
    : new AppError('VALIDATION_FAILED', 'The request is not valid', [
        { field: 'refreshToken', problems: ['refreshToken should not be empty'] },
      ]);
}
