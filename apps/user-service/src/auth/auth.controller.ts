import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RateLimit } from '@pingvas/messaging';
import { LoginDto, RefreshDto, SessionDto, SignupDto } from './auth.dto';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @RateLimit('ip', 'email')
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN' })
  signup(@Body() body: SignupDto): Promise<SessionDto> {
    return this.auth.signup(body);
  }

  @Post('login')
  @HttpCode(200)
  @RateLimit('ip', 'email')
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS' })
  login(@Body() body: LoginDto): Promise<SessionDto> {
    return this.auth.login(body);
  }

  @Post('refresh')
  @HttpCode(200)
  @RateLimit('ip')
  @ApiOperation({ summary: 'Trade a refresh token for a new pair (the old one stops working)' })
  @ApiUnauthorizedResponse({
    description: 'INVALID_REFRESH_TOKEN, or REFRESH_REUSED (the sign-in is closed)',
  })
  refresh(@Body() body: RefreshDto): Promise<SessionDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Close this sign-in: its refresh tokens stop working' })
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}
