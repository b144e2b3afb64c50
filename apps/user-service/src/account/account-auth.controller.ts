import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser } from '@pingvas/common';
import { RateLimit } from '@pingvas/messaging';
import {
  ForgotPasswordDto,
  MailedTokenDto,
  ResetPasswordDto,
  VerifiedEmailDto,
} from './account.dto';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';

/** The mailed links' endpoints: proving an address and resetting a forgotten password. */
@ApiTags('auth')
@Controller('auth')
export class AccountAuthController {
  constructor(
    private readonly emails: EmailVerificationService,
    private readonly passwords: PasswordResetService,
  ) {}

  // Not rate-limited: a token is 256 random bits, and a wrong one costs one indexed lookup.
  @Post('email/verify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Follow the mailed verification link: proves the address, or applies a pending email change',
  })
  @ApiOkResponse({ type: VerifiedEmailDto })
  @ApiBadRequestResponse({ description: 'TOKEN_INVALID (unknown or used) or TOKEN_EXPIRED' })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN: the new address was taken meanwhile' })
  verify(@Body() body: MailedTokenDto): Promise<VerifiedEmailDto> {
    return this.emails.verify(body.token);
  }

  // The rate limit after the guard, so it counts per signed-in user.
  @Post('email/verify/resend')
  @HttpCode(202)
  @RateLimit('user')
  @Authenticated()
  @ApiOperation({ summary: 'Mail a new verification link (older ones stop working)' })
  @ApiAcceptedResponse({ description: '{}' })
  @ApiConflictResponse({ description: 'EMAIL_ALREADY_VERIFIED' })
  async resend(@CurrentUser() caller: AuthPrincipal): Promise<Record<string, never>> {
    await this.emails.resend(caller.userId);
    return {};
  }

  @Post('password/forgot')
  @HttpCode(202)
  @RateLimit('ip', 'email')
  @ApiOperation({
    summary:
      'Mail a password reset link (valid 1 h) if an account has this address; the answer is the same either way',
  })
  @ApiAcceptedResponse({ description: '{}' })
  forgot(@Body() body: ForgotPasswordDto): Record<string, never> {
    this.passwords.requestReset(body.email);
    return {};
  }

  @Post('password/reset')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password from the mailed reset link; every session is signed out',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'TOKEN_INVALID, TOKEN_EXPIRED or WEAK_PASSWORD' })
  async reset(@Body() body: ResetPasswordDto): Promise<void> {
    await this.passwords.reset(body.token, body.password);
  }
}
