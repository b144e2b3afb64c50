export * from './blob-storage';
export * from './local-disk.storage';
export * from './s3.storage';
export * from './storage-config';
export * from './storage.provider';
