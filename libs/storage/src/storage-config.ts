import { type Env, parseEnv } from '@pingvas/common';
import { z } from 'zod';
import type { BlobStorage } from './blob-storage';
import { LocalDiskStorage } from './local-disk.storage';

const storageEnvSchema = z.object({
  /** Root of the local blob store; every process that reads or writes images must share it. */
  STORAGE_DIR: z.string().default('.var/storage'),
});

export interface StorageConfig {
  driver: 'local';
  dir: string;
}

export function loadStorageConfig(processName: string, env: Env): StorageConfig {
  const e = parseEnv(processName, storageEnvSchema, env);
  return { driver: 'local', dir: e.STORAGE_DIR };
}

export function createBlobStorage(config: StorageConfig): BlobStorage {
  return new LocalDiskStorage(config.dir);
}
