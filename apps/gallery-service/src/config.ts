import { randomBytes } from 'node:crypto';
import { ConfigError, type Env, envInt, envUrl, loadServiceConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { loadStorageConfig } from '@pingvas/storage';
import { z } from 'zod';

const galleryEnv = {
  /** Elasticsearch with the Nori plugin; without it, search runs on PostgreSQL (pg_trgm). */
  ELASTICSEARCH_URL: envUrl(['http:', 'https:']).optional(),
  /** The alias searched; versioned indices `<alias>-v<time>` stand behind it. */
  ELASTICSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,100}$/, 'must be a lower-case index name')
    .optional(),
  /** HMAC key of signed file URLs; every replica needs the same one (required in prod). */
  GALLERY_URL_SECRET: z.string().min(32, 'must have at least 32 characters').optional(),
  /** How long a signed file URL works. */
  SIGNED_URL_TTL_SECONDS: envInt(10, 7 * 86_400).default(600),
  /** With the s3 driver: how long the presigned storage URL a file request is sent to works. */
  DOWNLOAD_URL_TTL_SECONDS: envInt(10, 3600).default(300),
  /** How long a deleted image's files stay before the cleanup job removes them. */
  DELETED_FILES_GRACE_MS: envInt(0, 30 * 86_400_000).default(60_000),
  /** How often the cleanup job looks for such files. */
  FILES_CLEANUP_INTERVAL_MS: envInt(100, 86_400_000).default(60_000),
};

export function loadGalleryServiceConfig(env: Env) {
  const { name, port } = SERVICES.gallery;
  return loadServiceConfig(name, port, env, galleryEnv, (e, base) => {
    if (base.appEnv === 'prod' && !e.GALLERY_URL_SECRET) {
      throw new ConfigError(name, [
        { variable: 'GALLERY_URL_SECRET', problem: 'is required in prod' },
      ]);
    }
    const search: { elasticsearchUrl?: string; index: string } = {
      elasticsearchUrl: e.ELASTICSEARCH_URL,
      index: e.ELASTICSEARCH_INDEX ?? `pingvas-${base.appEnv}-images`,
    };
    return {
      storage: loadStorageConfig(name, env),
      search,
      files: {
        // dev and test: one key per process (signed URLs die with it, which is fine there).
        urlSecret: e.GALLERY_URL_SECRET ?? randomBytes(32).toString('hex'),
        signedUrlTtlSeconds: e.SIGNED_URL_TTL_SECONDS,
        downloadUrlTtlSeconds: e.DOWNLOAD_URL_TTL_SECONDS,
        deletedGraceMs: e.DELETED_FILES_GRACE_MS,
        cleanupIntervalMs: e.FILES_CLEANUP_INTERVAL_MS,
      },
    };
  });
}

export type GalleryServiceConfig = ReturnType<typeof loadGalleryServiceConfig>;
