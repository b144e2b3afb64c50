import { randomUUID } from 'node:crypto';
import {
  type GalleryIngestJob,
  GalleryIngestNames,
  galleryIngestJobId,
  imageStorageKey,
} from '@pingvas/contracts';
import { type BlobStorage, LocalDiskStorage } from '@pingvas/storage';
import type { Queue } from 'bullmq';
import sharp from 'sharp';
import { eventually } from './infra';

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

export type IngestTarget = {
  /** The `gallery-ingest` queue of the gallery-service under test. */
  queue: Queue;
  /** Whether every one of these images has its row yet. */
  ingested(ids: string[]): Promise<boolean>;
} & (
  | {
      /** Its blob store, where the worker would have written the PNGs (S3 or local disk). */
      storage: BlobStorage;
    }
  | {
      /** Its local-disk blob store's root. */
      storageDir: string;
    }
);

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
  const storage = 'storage' in target ? target.storage : new LocalDiskStorage(target.storageDir);
  const ids: string[] = [];
  const jobs = [];
  for (const image of images) {
    const generationId = randomUUID();
    const id = randomUUID();
    const storageKey = imageStorageKey(owner.userId, generationId, 0);
    await storage.put(storageKey, png);
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
