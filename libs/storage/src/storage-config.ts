import { type Env, envBool, envUrl, parseEnv } from '@pingvas/common';
import { z } from 'zod';
import type { BlobStorage } from './blob-storage';
import { LocalDiskStorage } from './local-disk.storage';
import { type S3Location, S3Storage } from './s3.storage';

const storageEnvSchema = z
  .object({
    /** local: files under STORAGE_DIR (npm start); s3: objects in S3_BUCKET (compose, Kubernetes). */
    STORAGE_DRIVER: z.enum(['local', 's3'], { message: 'must be local or s3' }).default('local'),
    /** Root of the local blob store; every process that reads or writes images must share it. */
    STORAGE_DIR: z.string().default('.var/storage'),
    /** The environment's bucket (one per environment); required with STORAGE_DRIVER=s3. */
    S3_BUCKET: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens',
      )
      .optional(),
    S3_REGION: z
      .string()
      .regex(/^[a-z0-9-]{2,32}$/, 'must be a region such as us-east-1')
      .default('us-east-1'),
    /** An S3-compatible server (MinIO) instead of AWS's endpoint for the region. */
    S3_ENDPOINT: envUrl(['http:', 'https:']).optional(),
    /** Bucket in the path, not the host name (MinIO and most S3-compatible servers). */
    S3_FORCE_PATH_STYLE: envBool().default('false'),
    /** Put before every key (e.g. `pingvas/`), where the bucket holds more than this suite. */
    S3_KEY_PREFIX: z
      .string()
      .regex(
        /^([A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\/?$/,
        'must be a relative path of plain names, such as pingvas/',
      )
      .optional(),
  })
  .transform((e, ctx): StorageConfig => {
    if (e.STORAGE_DRIVER === 'local') return { driver: 'local', dir: e.STORAGE_DIR };
    if (!e.S3_BUCKET) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_BUCKET'],
        message: 'is required when STORAGE_DRIVER=s3',
      });
      return z.NEVER;
    }
    const prefix = e.S3_KEY_PREFIX ?? '';
    return {
      driver: 's3',
      bucket: e.S3_BUCKET,
      region: e.S3_REGION,
      endpoint: e.S3_ENDPOINT,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      keyPrefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    };
  });

export type StorageConfig = { driver: 'local'; dir: string } | ({ driver: 's3' } & S3Location);

/**
 * The blob store's settings; the AWS credentials are not among them: the SDK's default chain
 * reads them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from a Secret, or IRSA's web identity).
 */
export function loadStorageConfig(processName: string, env: Env): StorageConfig {
  return parseEnv(processName, storageEnvSchema, env);
}

/**
 * The origin a browser is sent to for a presigned URL, where it is not AWS's own (an S3_ENDPOINT
 * such as MinIO's: `http://127.0.0.1:9000`, or `http://*.host` for virtual-hosted buckets).
 */
export function presignedUrlOrigin(config: StorageConfig): string | undefined {
  if (config.driver !== 's3' || !config.endpoint) return undefined;
  const url = new URL(config.endpoint);
  return config.forcePathStyle ? url.origin : `${url.protocol}//*.${url.host}`;
}

export function createBlobStorage(config: StorageConfig): BlobStorage {
  if (config.driver === 's3') {
    return new S3Storage(config);
  }
  return new LocalDiskStorage(config.dir);
}
