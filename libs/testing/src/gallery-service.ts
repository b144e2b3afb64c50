import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Env } from '@pingvas/common';
import {
  type GalleryIngestJob,
  GalleryIngestNames,
  galleryIngestJobId,
  imageStorageKey,
  QueueNames,
} from '@pingvas/contracts';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import sharp from 'sharp';
import request from 'supertest';
import { loadGalleryServiceConfig } from '../../../apps/gallery-service/src/config';
import { GALLERY_DATABASE } from '../../../apps/gallery-service/src/database';
import { GalleryServiceModule } from '../../../apps/gallery-service/src/gallery-service.module';
import { bootService, type RunningApp } from './boot';
import { eventually, TEST_DATABASE_URL, TEST_REDIS_URL, testEnv, uniqueName } from './infra';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from './user-service';

export interface GalleryUser {
  userId: string;
  token: string;
}

export interface FixtureImage {
  prompt: string;
  negativePrompt?: string | null;
  modelId?: string;
  boardId?: string | null;
  /** When it was made (defaults to now); lists order by it. */
  createdAt?: Date;
}

export interface GalleryStack {
  namespace: string;
  storageDir: string;
  users: UserServiceUnderTest;
  gallery: RunningApp;
  schema: TestSchema;
  /** Runs SQL in gallery-service's schema. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  signUp(): Promise<GalleryUser>;
  /**
   * Puts one `gallery-ingest` job per image, exactly as generation-service does (a PNG written
   * where the worker writes it), and resolves with the image ids once every row exists.
   */
  ingest(owner: GalleryUser, images: FixtureImage[]): Promise<string[]>;
  stop(): Promise<void>;
}

export interface IngestTarget {
  /** The `gallery-ingest` queue of the gallery-service under test. */
  queue: Queue;
  /** Its blob store, where the worker would have written the PNGs. */
  storageDir: string;
  /** Whether every one of these images has its row yet. */
  ingested(ids: string[]): Promise<boolean>;
}

let fixturePng: Promise<Buffer> | undefined;

/**
 * Puts one `gallery-ingest` job per image, exactly as generation-service does (a PNG written
 * where the worker writes it), and resolves with the image ids once every row exists.
 */
export async function ingestImages(
  target: IngestTarget,
  owner: GalleryUser,
  images: FixtureImage[],
): Promise<string[]> {
  fixturePng ??= sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } },
  })
    .png()
    .toBuffer();
  const png = await fixturePng;
  const ids: string[] = [];
  const jobs = [];
  for (const image of images) {
    const generationId = randomUUID();
    const id = randomUUID();
    const storageKey = imageStorageKey(owner.userId, generationId, 0);
    const file = join(target.storageDir, storageKey);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, png);
    const at = (image.createdAt ?? new Date()).toISOString();
    const data: GalleryIngestJob = {
      ownerId: owner.userId,
      generationId,
      boardId: image.boardId ?? null,
      model: { id: image.modelId ?? 'model-a', name: image.modelId ?? 'model-a' },
      prompt: image.prompt,
      negativePrompt: image.negativePrompt ?? null,
      params: {
        width: 64,
        height: 48,
        steps: 4,
        guidanceScale: 1,
        seed: 7,
        count: 1,
        scheduler: 'euler',
      },
      images: [{ id, index: 0, width: 64, height: 48, seed: 7, storageKey, bytes: png.length }],
      createdAt: at,
      finishedAt: at,
    };
    ids.push(id);
    jobs.push({
      name: GalleryIngestNames.generation,
      data,
      opts: { jobId: galleryIngestJobId(generationId) },
    });
  }
  await target.queue.addBulk(jobs);
  await eventually(
    async () => ((await target.ingested(ids)) ? true : undefined),
    60_000,
    `${ids.length} images ingested`,
    50,
  );
  return ids;
}

/** user-service and gallery-service in this process, sharing one namespace and a blob store. */
export async function bootGalleryStack(extra: Env = {}): Promise<GalleryStack> {
  const namespace = uniqueName('t');
  const storageDir = await mkdtemp(join(tmpdir(), 'pingvas-gallery-'));
  const users = await bootUserService(namespace, { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
  const schema = await createTestSchema(TEST_DATABASE_URL, GALLERY_DATABASE);
  const config = loadGalleryServiceConfig(
    testEnv({
      schema: schema.schema,
      namespace,
      extra: {
        JWKS_URL: `${users.url}/.well-known/jwks.json`,
        STORAGE_DIR: storageDir,
        DELETED_FILES_GRACE_MS: '0',
        FILES_CLEANUP_INTERVAL_MS: '300',
        ...extra,
      },
    }),
  );
  const gallery = await bootService(GalleryServiceModule.forRoot(config), config);
  const client = new Client({
    connectionString: TEST_DATABASE_URL,
    options: `-c search_path=${schema.schema}`,
  });
  await client.connect();
  const queue = new Queue(QueueNames.galleryIngest, {
    prefix: namespace,
    connection: { url: TEST_REDIS_URL } as never,
  });
  const sql = async <T>(text: string, params: unknown[] = []) =>
    (await client.query(text, params)).rows as T[];

  return {
    namespace,
    storageDir,
    users,
    gallery,
    schema,
    sql,
    async signUp() {
      const res = await request(users.url)
        .post('/api/v1/auth/signup')
        .send(newAccount())
        .expect(201);
      const session = res.body as Session;
      return { userId: session.user.id, token: session.accessToken };
    },
    ingest: (owner, images) =>
      ingestImages(
        {
          queue,
          storageDir,
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
      await gallery.close();
      await client.end();
      await schema.drop();
      await users.stop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
