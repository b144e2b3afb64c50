import { Body, Controller, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
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
import { SubscriptionService, type SubscriptionView } from './subscription.service';

class ChangePlanDto {
  @ApiProperty({ example: 'studio' })
  @IsString()
  @MaxLength(64)
  plan!: string;
}

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
    private readonly subscriptions: SubscriptionService,
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
    // Paying needs a proven address (DESIGN §16); without user-service's answer, no checkout.
    const profile = await this.rpc.send('user.users.get', { id: caller.userId });
    if (!profile.emailVerified)
      throw new AppError('EMAIL_NOT_VERIFIED', 'Verify your email address before you pay');
    return {
      url: await this.lemonSqueezy.createCheckout({
        variantId,
        userId: caller.userId,
        email: profile.email,
      }),
    };
  }

  @Get('subscription')
  @ApiOperation({ summary: 'Your subscription and its status (none on the free plan)' })
  subscription(@CurrentUser() caller: AuthPrincipal): Promise<SubscriptionView> {
    return this.subscriptions.current(caller.userId);
  }

  @Post('subscription/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel at the end of the paid period (resumable until then)' })
  cancel(@CurrentUser() caller: AuthPrincipal): Promise<SubscriptionView> {
    return this.subscriptions.cancel(caller.userId);
  }

  @Post('subscription/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a cancelled subscription before it ends' })
  resume(@CurrentUser() caller: AuthPrincipal): Promise<SubscriptionView> {
    return this.subscriptions.resume(caller.userId);
  }

  @Patch('subscription')
  @ApiOperation({ summary: 'Change to another paid plan (Lemon Squeezy prorates it)' })
  changePlan(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: ChangePlanDto,
  ): Promise<SubscriptionView> {
    return this.subscriptions.changePlan(caller.userId, body.plan);
  }

  @Get('portal')
  @ApiOperation({ summary: "Lemon Squeezy's customer portal for your subscription" })
  portal(@CurrentUser() caller: AuthPrincipal): Promise<{ url: string }> {
    return this.subscriptions.portal(caller.userId);
  }
}
