import {
  GenerationErrorCodes,
  type GenerationJob,
  imageStorageKey,
  type StoredImage,
} from '@pingvas/contracts';
import type { GeneratedImage } from '@pingvas/inference';
import type { BlobStorage } from '@pingvas/storage';

/** A write to the blob store that failed: the generation fails with STORAGE_FAILED. */
export class ImageStorageError extends Error {
  readonly code = GenerationErrorCodes.storage;
}

/** Writes a run's images under their owner's keys, one after another, in index order. */
export async function storeImages(
  storage: BlobStorage,
  job: Pick<GenerationJob, 'userId' | 'generationId'>,
  generated: readonly GeneratedImage[],
): Promise<StoredImage[]> {
  const images: StoredImage[] = [];
  for (const image of generated) {
    const storageKey = imageStorageKey(job.userId, job.generationId, image.index);
    try {
      const info = await storage.put(storageKey, image.png);
      images.push({
        index: image.index,
        width: image.width,
        height: image.height,
        seed: image.seed,
        storageKey,
        bytes: info.size,
      });
    } catch (err) {
      throw new ImageStorageError(`could not store ${storageKey}: ${String(err)}`);
    }
  }
  return images;
}
