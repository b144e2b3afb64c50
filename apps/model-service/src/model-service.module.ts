import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { DatabaseModule } from '@pingvas/database';
import { createSystemController, MessagingModule, RpcApiKeyVerifier } from '@pingvas/messaging';
import type { ModelServiceConfig } from './config';
import { MODEL_DATABASE } from './database';

@Module({})
export class ModelServiceModule {
  static forRoot(config: ModelServiceConfig): DynamicModule {
    return {
      module: ModelServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(MODEL_DATABASE),
        MessagingModule.forRoot(),
        AuthModule.forRoot({ apiKeys: RpcApiKeyVerifier }),
      ],
      controllers: [createSystemController('model')],
    };
  }
}
