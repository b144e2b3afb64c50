import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { erasureQueue, QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import {
  CatalogueChanges,
  createSystemController,
  MessagingModule,
  Outbox,
  RpcApiKeyVerifier,
} from '@pingvas/messaging';
import { AccountExportRpcController } from './account/account-export.rpc.controller';
import { PaymentErasureConsumer } from './account/erasure.consumer';
import { PaymentErasure } from './account/payment-erasure';
import { BillingEvents } from './billing/billing-events';
import { BillingMail } from './billing/billing-mail';
import { BillingController } from './billing/billing.controller';
import { LemonSqueezyClient } from './billing/lemon-squeezy.client';
import { SubscriptionStates } from './billing/subscription-states';
import { SubscriptionService } from './billing/subscription.service';
import { SubscriptionsRepository } from './billing/subscriptions.repository';
import { WebhookEventsRepository } from './billing/webhook-events.repository';
import { WebhooksController } from './billing/webhooks.controller';
import { WebhooksService } from './billing/webhooks.service';
import type { PaymentServiceConfig } from './config';
import { CreditAccountsRepository } from './credits/credit-accounts.repository';
import { CreditLedger } from './credits/credit-ledger';
import { CreditsController } from './credits/credits.controller';
import { CreditsRpcController } from './credits/credits.rpc.controller';
import { CreditsService } from './credits/credits.service';
import { ReservationExpiry } from './credits/reservation-expiry';
import { ReservationsRepository } from './credits/reservations.repository';
import { UserEventsConsumer } from './credits/user-events.consumer';
import { PAYMENT_DATABASE } from './database';
import { PaymentMetrics } from './payment-metrics';
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
          { name: erasureQueue('payment') },
        ),
      ],
      controllers: [
        createSystemController('payment'),
        PlansController,
        CreditsController,
        CreditsRpcController,
        AccountExportRpcController,
        BillingController,
        WebhooksController,
      ],
      providers: [
        CatalogueChanges,
        PaymentMetrics,
        CreditAccountsRepository,
        ReservationsRepository,
        PlansRepository,
        SubscriptionsRepository,
        WebhookEventsRepository,
        CreditLedger,
        CreditsService,
        PlansService,
        LemonSqueezyClient,
        WebhooksService,
        BillingEvents,
        SubscriptionStates,
        SubscriptionService,
        BillingMail,
        Outbox,
        PaymentErasure,
        PaymentErasureConsumer,
        UserEventsConsumer,
        ReservationExpiry,
      ],
    };
  }
}
