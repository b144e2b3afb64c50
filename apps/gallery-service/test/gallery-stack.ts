import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import type { TestSchema } from '@pingvas/database';
import {
  type BlobStorage,
  createBlobStorage,
  loadStorageConfig,
  S3Storage,
} from '@pingvas/storage';
import {
  bootOnTestSchema,
  connectToSchema,
  type FixtureImage,
  type GalleryUser,
  ingestImages,
  type RunningApp,
  type SchemaSql,
  TEST_REDIS_URL,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import { GALLERY_SERVICE } from '../../../test/support/gallery-service';
import {
  bootUserService,
  signUp,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

export interface GalleryStack {
  namespace: string;
  storageDir: string;
  /** The blob store gallery-service uses (its STORAGE_DRIVER: local disk, or S3 from `extra`). */
  storage: BlobStorage;
  users: UserServiceUnderTest;
  gallery: RunningApp;
  schema: TestSchema;
  /** Runs SQL in gallery-service's schema. */
  sql: SchemaSql;
  signUp(): Promise<GalleryUser>;
  /**
   * Puts one `gallery-ingest` job per image, exactly as generation-service does (a PNG written
   * where the worker writes it), and resolves with the image ids once every row exists.
   */
  ingest(owner: GalleryUser, images: FixtureImage[]): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * user-service and gallery-service in this process, sharing one namespace and a blob store
 * (a temporary folder; `extra` may point gallery-service at S3 instead, e.g. a TestS3Server's
 * storageEnv, and the stack then writes the fixture PNGs there).
 */
export async function bootGalleryStack(extra: Env = {}): Promise<GalleryStack> {
  const namespace = uniqueName('t');
  const storageDir = await mkdtemp(join(tmpdir(), 'pingvas-gallery-'));
  const users = await bootUserService(namespace, { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
  const galleryEnv: Env = {
    JWKS_URL: `${users.url}/.well-known/jwks.json`,
    STORAGE_DIR: storageDir,
    DELETED_FILES_GRACE_MS: '0',
    FILES_CLEANUP_INTERVAL_MS: '300',
    ...extra,
  };
  const gallery = await bootOnTestSchema(GALLERY_SERVICE, namespace, galleryEnv);
  const storage = createBlobStorage(loadStorageConfig('gallery-stack', galleryEnv));
  const { sql, end } = await connectToSchema(gallery.schema.schema);
  const queue = new Queue(QueueNames.galleryIngest, {
    prefix: namespace,
    connection: { url: TEST_REDIS_URL } as never,
  });

  return {
    namespace,
    storageDir,
    storage,
    users,
    gallery,
    schema: gallery.schema,
    sql,
    async signUp() {
      const { userId, token } = await signUp(users.url);
      return { userId, token };
    },
    ingest: (owner, images) =>
      ingestImages(
        {
          queue,
          storage,
          ingested: async (ids) => {
            const [{ n }] = await sql<{ n: number }>(
              `SELECT count(*)::int AS n FROM "images" WHERE "id" = ANY($1)`,
              [ids],
            );
            return n === ids.length;
          },
        },
        owner,
        images,
      ),
    async stop() {
      await queue.close();
      await end();
      await gallery.stop();
      await users.stop();
      if (storage instanceof S3Storage) storage.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
