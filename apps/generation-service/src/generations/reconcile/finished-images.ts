import { buffer } from 'node:stream/consumers';
import { imageStorageKey, type StoredImage } from '@pingvas/contracts';
import type { BlobStorage } from '@pingvas/storage';
import type { GenerationRow } from '../store/generation-row';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** A whole PNG of this size: signature, IHDR with these dimensions, and the closing IEND. */
export function isCompletePng(png: Buffer, width: number, height: number): boolean {
  return (
    png.length >= SIGNATURE.length + 25 + IEND_CHUNK.length &&
    png.subarray(0, 8).equals(SIGNATURE) &&
    png.toString('latin1', 12, 16) === 'IHDR' &&
    png.readUInt32BE(16) === width &&
    png.readUInt32BE(20) === height &&
    png.subarray(png.length - IEND_CHUNK.length).equals(IEND_CHUNK)
  );
}

/** Where the worker writes a generation's images: one key per image of the batch. */
export function imageKeysOf(row: GenerationRow): string[] {
  return Array.from({ length: row.params.count }, (_, i) => imageStorageKey(row.userId, row.id, i));
}

/**
 * The images a worker finished for this generation, when every one of the batch is in the
 * blob store whole and of the requested size; undefined when any is missing or damaged. The
 * worker writes each image under its final key only once it is complete, and image i of a
 * batch has seed + i (mod 2^32), so the result is what its report would have said.
 */
export async function finishedImages(
  storage: BlobStorage,
  row: GenerationRow,
): Promise<StoredImage[] | undefined> {
  const { width, height, seed } = row.params;
  const images: StoredImage[] = [];
  for (const [index, storageKey] of imageKeysOf(row).entries()) {
    if (!(await storage.stat(storageKey))) return undefined;
    const png = await buffer(await storage.read(storageKey));
    if (!isCompletePng(png, width, height)) return undefined;
    images.push({
      index,
      width,
      height,
      seed: (seed + index) >>> 0,
      storageKey,
      bytes: png.length,
    });
  }
  return images;
}
