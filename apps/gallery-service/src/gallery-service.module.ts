import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { erasureQueue, QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import {
  createSystemController,
  MessagingModule,
  Outbox,
  RpcApiKeyVerifier,
} from '@pingvas/messaging';
import { BoardsController } from './boards/boards.controller';
import { BoardsRepository } from './boards/boards.repository';
import { BoardsRpcController } from './boards/boards.rpc.controller';
import { BoardsService } from './boards/boards.service';
import type { GalleryServiceConfig } from './config';
import { GALLERY_DATABASE } from './database';
import { ErasureConsumer } from './erasure/erasure.consumer';
import { UserErasure } from './erasure/user-erasure';
import { ExportRpcController } from './export/export.rpc.controller';
import { BoardOwnership } from './images/board-ownership';
import { DeletedFilesCleanup } from './images/files-cleanup';
import { ImageChanges } from './images/image-changes';
import { ImageFileAccess } from './images/image-file-access';
import { ImageFileUrls } from './images/image-files';
import { ImageFilesController } from './images/image-files.controller';
import { ImagesController } from './images/images.controller';
import { ImagesRepository } from './images/images.repository';
import { ImagesService } from './images/images.service';
import { PromptSearchRepository } from './images/prompt-search.repository';
import { IngestConsumer } from './ingest/ingest.consumer';
import { searchBackendProvider } from './search/search-backend.provider';
import { SearchController } from './search/search.controller';
import { SearchService } from './search/search.service';
import { SearchIndexer } from './search/search-indexer';
import { SearchSync } from './search/search-sync';
import { blobStorageProvider } from './storage.provider';

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
        BullModule.registerQueue(
          { name: QueueNames.galleryIngest },
          { name: QueueNames.searchIndex },
          { name: QueueNames.galleryMaintenance },
          { name: erasureQueue('gallery') },
        ),
      ],
      controllers: [
        createSystemController('gallery'),
        ImagesController,
        ImageFilesController,
        BoardsController,
        BoardsRpcController,
        ExportRpcController,
        SearchController,
      ],
      providers: [
        blobStorageProvider,
        searchBackendProvider,
        ImagesRepository,
        PromptSearchRepository,
        ImagesService,
        ImageFileUrls,
        ImageFileAccess,
        BoardsRepository,
        { provide: BoardOwnership, useExisting: BoardsRepository },
        BoardsService,
        SearchSync,
        { provide: ImageChanges, useExisting: SearchSync },
        SearchService,
        SearchIndexer,
        IngestConsumer,
        DeletedFilesCleanup,
        UserErasure,
        ErasureConsumer,
        Outbox,
      ],
    };
  }
}
