import { Body, Controller, Delete, HttpCode, Patch, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser } from '@pingvas/common';
import { RateLimit } from '@pingvas/messaging';
import type { Response } from 'express';
import { RefreshCookie } from '../auth/refresh-cookie';
import { ExportsService } from '../exports/exports.service';
import {
  ChangeEmailDto,
  DeleteAccountDto,
  ExportRequestedDto,
  PendingEmailDto,
} from './account.dto';
import { AccountDeletionService } from './account-deletion.service';
import { EmailVerificationService } from './email-verification.service';

/** The signed-in user's account over its life: address change, export, deletion. */
@ApiTags('users')
@Controller('users')
@Authenticated()
export class AccountController {
  constructor(
    private readonly emails: EmailVerificationService,
    private readonly deletion: AccountDeletionService,
    private readonly exports: ExportsService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Patch('me/email')
  @HttpCode(202)
  @RateLimit('user')
  @ApiOperation({
    summary:
      'Change the address: a link is mailed to the new one, and the change applies when it is followed',
  })
  @ApiAcceptedResponse({ type: PendingEmailDto })
  @ApiForbiddenResponse({ description: 'WRONG_PASSWORD' })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN' })
  changeEmail(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: ChangeEmailDto,
  ): Promise<PendingEmailDto> {
    return this.emails.requestChange(caller.userId, body);
  }

  @Delete('me')
  @HttpCode(202)
  @RateLimit('user')
  @ApiOperation({
    summary:
      'Delete the account: signed out everywhere at once, API keys revoked, every service erases the user',
  })
  @ApiAcceptedResponse({ description: '{}' })
  @ApiForbiddenResponse({ description: 'WRONG_PASSWORD' })
  async remove(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: DeleteAccountDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, never>> {
    await this.deletion.delete(caller.userId, body.password, caller.sessionId);
    this.cookie.clear(res);
    return {};
  }

  @Post('me/export')
  @HttpCode(202)
  @RateLimit('user')
  @ApiOperation({
    summary: 'Export your data: a zip is built and a signed link to it mailed (valid 24 h)',
  })
  @ApiAcceptedResponse({ type: ExportRequestedDto })
  @ApiTooManyRequestsResponse({ description: 'EXPORT_IN_PROGRESS' })
  requestExport(@CurrentUser() caller: AuthPrincipal): Promise<ExportRequestedDto> {
    return this.exports.request(caller.userId);
  }
}
