import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import { createSystemController, MessagingModule, RpcApiKeyVerifier } from '@pingvas/messaging';
import { BillingController } from './billing/billing.controller';
import { LemonSqueezyClient } from './billing/lemon-squeezy.client';
import { SubscriptionsRepository } from './billing/subscriptions.repository';
import { WebhooksController } from './billing/webhooks.controller';
import { WebhooksService } from './billing/webhooks.service';
import type { PaymentServiceConfig } from './config';
import { CreditLedger } from './credits/credit-ledger';
import { CreditMetrics } from './credits/credit-metrics';
import { CreditsController } from './credits/credits.controller';
import { CreditsRpcController } from './credits/credits.rpc.controller';
import { CreditsService } from './credits/credits.service';
import { ReservationExpiry } from './credits/reservation-expiry';
import { UserEventsConsumer } from './credits/user-events.consumer';
import { PAYMENT_DATABASE } from './database';
import { PlansController } from './plans/plans.controller';
import { PlansRepository } from './plans/plans.repository';
import { PlansService } from './plans/plans.service';

@Module({})
export class PaymentServiceModule {
  static forRoot(config: PaymentServiceConfig): DynamicModule {
    return {
      module: PaymentServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(PAYMENT_DATABASE),
        MessagingModule.forRoot(),
        AuthModule.forRoot({ apiKeys: RpcApiKeyVerifier }),
        BullModule.registerQueue(
          { name: QueueNames.userEvents },
          { name: QueueNames.paymentMaintenance },
        ),
      ],
      controllers: [
        createSystemController('payment'),
        PlansController,
        CreditsController,
        CreditsRpcController,
        BillingController,
        WebhooksController,
      ],
      providers: [
        CreditLedger,
        CreditMetrics,
        CreditsService,
        PlansRepository,
        PlansService,
        SubscriptionsRepository,
        LemonSqueezyClient,
        WebhooksService,
        UserEventsConsumer,
        ReservationExpiry,
      ],
    };
  }
}
