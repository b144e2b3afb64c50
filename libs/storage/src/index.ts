export * from './blob-storage';
export * from './local-disk.storage';
export * from './storage-config';
export * from './storage.provider';
