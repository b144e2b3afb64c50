import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  AppError,
  APP_CONFIG,
  Authenticated,
  type AuthPrincipal,
  CurrentUser,
  Optional,
} from '@pingvas/common';
import { RpcClient } from '@pingvas/messaging';
import { IsString, MaxLength } from 'class-validator';
import type { PaymentServiceConfig } from '../config';
import { PlansRepository } from '../plans/plans.repository';
import { LemonSqueezyClient } from './lemon-squeezy.client';
import { SubscriptionsRepository } from './subscriptions.repository';

class CheckoutDto {
  @ApiPropertyOptional({ example: 'pro' })
  @Optional()
  @IsString()
  @MaxLength(64)
  planId?: string;

  @ApiPropertyOptional({ example: 'pack-500' })
  @Optional()
  @IsString()
  @MaxLength(64)
  packId?: string;
}

@ApiTags('billing')
@Controller('billing')
@Authenticated()
export class BillingController {
  constructor(
    private readonly lemonSqueezy: LemonSqueezyClient,
    private readonly plans: PlansRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly rpc: RpcClient,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {}

  @Post('checkout')
  @ApiOperation({ summary: 'A Lemon Squeezy checkout link for a plan or a credit pack' })
  async checkout(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: CheckoutDto,
  ): Promise<{ url: string }> {
    const item = body.planId ?? body.packId;
    if (!item || (body.planId && body.packId)) {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of planId or packId');
    }
    const known = body.planId
      ? (await this.plans.find(body.planId))?.priceCents
      : (await this.plans.packs()).find((p) => p.id === body.packId)?.priceCents;
    const variantId = this.config.lemonSqueezy.variants[item];
    if (known === undefined) throw new AppError('NOT_FOUND', `No plan or pack ${item}`);
    if (!variantId) throw new AppError('VALIDATION_FAILED', `${item} is not for sale`);
    const email = await this.rpc
      .send('user.users.get', { id: caller.userId })
      .then((u) => u.email)
      .catch(() => undefined); // only a prefill; the checkout works without it
    return {
      url: await this.lemonSqueezy.createCheckout({ variantId, userId: caller.userId, email }),
    };
  }

  @Get('subscription')
  @ApiOperation({ summary: 'Your subscription and its status (none on the free plan)' })
  async subscription(@CurrentUser() caller: AuthPrincipal) {
    return (await this.subscriptions.latestOf(caller.userId)) ?? { status: 'none', planId: 'free' };
  }
}
