import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { DatabaseModule } from '@pingvas/database';
import { createSystemController, MessagingModule, RpcApiKeyVerifier } from '@pingvas/messaging';
import type { GenerationServiceConfig } from './config';
import { GENERATION_DATABASE } from './database';

@Module({})
export class GenerationServiceModule {
  static forRoot(config: GenerationServiceConfig): DynamicModule {
    return {
      module: GenerationServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(GENERATION_DATABASE),
        MessagingModule.forRoot(),
        AuthModule.forRoot({ apiKeys: RpcApiKeyVerifier }),
      ],
      controllers: [createSystemController('generation')],
    };
  }
}
