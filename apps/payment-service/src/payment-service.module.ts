import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { DatabaseModule } from '@pingvas/database';
import { createSystemController, MessagingModule, RpcApiKeyVerifier } from '@pingvas/messaging';
import type { PaymentServiceConfig } from './config';
import { PAYMENT_DATABASE } from './database';

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
      ],
      controllers: [createSystemController('payment')],
    };
  }
}
