import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { DatabaseModule } from '@pingvas/database';
import {
  CatalogueChanges,
  createSystemController,
  MessagingModule,
  RpcApiKeyVerifier,
} from '@pingvas/messaging';
import { blobStorageProvider } from '@pingvas/storage';
import type { ModelServiceConfig } from './config';
import { MODEL_DATABASE } from './database';
import { ModelPackages } from './models/model-packages';
import { ModelsController } from './models/models.controller';
import { ModelsRepository } from './models/models.repository';
import { ModelsRpcController } from './models/models.rpc.controller';
import { ModelsService } from './models/models.service';
import { TinyModelBootstrap } from './models/tiny-model.bootstrap';

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
      controllers: [createSystemController('model'), ModelsController, ModelsRpcController],
      providers: [
        CatalogueChanges,
        ModelsService,
        ModelsRepository,
        ModelPackages,
        blobStorageProvider,
        TinyModelBootstrap,
      ],
    };
  }
}
