import type { Provider } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import type { BlobStorage } from './blob-storage';
import { createBlobStorage, type StorageConfig } from './storage-config';

/** The blob store of a process whose config carries `storage` (one store, shared by all). */
export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

export const blobStorageProvider: Provider<BlobStorage> = {
  provide: BLOB_STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: { storage: StorageConfig }) => createBlobStorage(config.storage),
};
