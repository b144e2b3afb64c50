/** Where the worker wrote the images, and where thumbnails go (one store, shared). */
export { BLOB_STORAGE, blobStorageProvider } from '@pingvas/storage';
