import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  type AccountExport,
  type ApiView,
  EXPORT_PAGE_MAX,
  type ExportPage,
  RpcPatterns,
} from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { SubscriptionService } from '../billing/subscription.service';
import { CreditsService } from '../credits/credits.service';

class AccountExportDto {
  @IsUUID()
  userId!: string;
}

class LedgerExportDto {
  @IsUUID()
  userId!: string;

  /** The id of the last entry of the previous page (a bigint). */
  @IsOptional()
  @Matches(/^\d+$/)
  @MaxLength(19)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(EXPORT_PAGE_MAX)
  limit?: number;
}

/**
 * The export's reads (DESIGN §16): exactly the views the REST API shows the owner
 * (`credits/balance`, `billing/subscription`, `credits/ledger` newest first, same cursor).
 */
@Controller()
export class AccountExportRpcController {
  constructor(
    private readonly credits: CreditsService,
    private readonly subscriptions: SubscriptionService,
  ) {}

  @MessagePattern(RpcPatterns.payment.accountExport)
  async account(@RpcPayload() request: AccountExportDto): Promise<AccountExport> {
    const subscription = await this.subscriptions.current(request.userId);
    return {
      account: { ...(await this.credits.balance(request.userId)) },
      subscription: subscription.id ? { ...subscription } : null,
    };
  }

  @MessagePattern(RpcPatterns.payment.ledgerExport)
  async ledger(@RpcPayload() request: LedgerExportDto): Promise<ExportPage<ApiView>> {
    const page = await this.credits.entries(request.userId, request.limit ?? 100, request.cursor);
    return {
      items: page.items.map((entry) => ({ ...entry })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }
}
