import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { DatabaseModule } from '@pingvas/database';
import { createSystemController, MessagingModule, RpcApiKeyVerifier } from '@pingvas/messaging';
import type { GalleryServiceConfig } from './config';
import { GALLERY_DATABASE } from './database';

@Module({})
export class GalleryServiceModule {
  static forRoot(config: GalleryServiceConfig): DynamicModule {
    return {
      module: GalleryServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(GALLERY_DATABASE),
        MessagingModule.forRoot(),
        AuthModule.forRoot({ apiKeys: RpcApiKeyVerifier }),
      ],
      controllers: [createSystemController('gallery')],
    };
  }
}
