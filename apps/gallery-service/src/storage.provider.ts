import type { Provider } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { createBlobStorage } from '@pingvas/storage';
import type { GalleryServiceConfig } from './config';

/** Where the worker wrote the images, and where thumbnails go (one store, shared). */
export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

export const blobStorageProvider: Provider = {
  provide: BLOB_STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: GalleryServiceConfig) => createBlobStorage(config.storage),
};
