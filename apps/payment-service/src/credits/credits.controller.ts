import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  type AuthPrincipal,
  CurrentUser,
  IdempotencyKey,
  UuidParam,
} from '@pingvas/common';
import { AdminGrantDto, LedgerQueryDto } from './credits.dto';
import { CreditsService } from './credits.service';

@ApiTags('credits')
@Controller()
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Get('credits/balance')
  @Authenticated()
  @ApiOperation({ summary: 'Your credits: available, held for running jobs, and your plan' })
  balance(@CurrentUser() caller: AuthPrincipal) {
    return this.credits.balance(caller.userId);
  }

  @Get('credits/ledger')
  @Authenticated()
  @ApiOperation({ summary: 'Your credit history, newest first (cursor pagination)' })
  ledger(@CurrentUser() caller: AuthPrincipal, @Query() query: LedgerQueryDto) {
    return this.credits.entries(caller.userId, query.limit, query.cursor);
  }

  @Get('credits/balance/:id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: "Any user's credits (admin)" })
  balanceOf(@Param() { id }: UuidParam) {
    return this.credits.balance(id);
  }

  @Post('admin/credits/grants')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: 'Grant credits to a user (admin), once per Idempotency-Key' })
  grant(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: AdminGrantDto,
    @IdempotencyKey({ required: true, description: 'The same key grants once' }) key: string,
  ) {
    return this.credits.adminGrant(body, key, caller.userId);
  }
}
