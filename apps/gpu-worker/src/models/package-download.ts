import { createHash } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelPackageErrorCodes } from '@pingvas/contracts';
import { packageFileKey } from '@pingvas/inference';
import { assertBlobKey, type BlobStorage } from '@pingvas/storage';
import { fsyncDir } from './cache-files';

/** A package as the cache needs it: where its files are and what each must hash to. */
export interface StoredPackage {
  digest: string;
  prefix: string;
  /** sha256 (hex) by path inside the package, as model-service recorded it. */
  files: Record<string, string>;
}

/** A package the worker could not get; the job fails with its code. */
export class ModelPackageError extends Error {
  constructor(
    readonly code: (typeof ModelPackageErrorCodes)[keyof typeof ModelPackageErrorCodes],
    message: string,
  ) {
    super(message);
    this.name = 'ModelPackageError';
  }
}

/** Streams one blob into `path`, hashing as it goes, and flushes it to disk. */
async function fetchFile(storage: BlobStorage, key: string, path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  const handle = await open(path, 'wx');
  try {
    for await (const chunk of await storage.read(key)) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      hash.update(bytes);
      await handle.write(bytes);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/**
 * Downloads every file of `pkg` into `dir` (a fresh temporary folder), checking each against
 * its recorded hash, and flushes files and folders. On any failure `dir` is removed.
 */
export async function downloadPackage(
  storage: BlobStorage,
  pkg: StoredPackage,
  dir: string,
): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const folders = new Set<string>([dir]);
    for (const file of Object.keys(pkg.files).sort()) {
      const path = join(dir, file);
      let actual: string;
      try {
        assertBlobKey(file); // a file name never leaves the package folder
        actual = await fetchFile(storage, packageFileKey(pkg.prefix, file), path);
      } catch (err) {
        throw new ModelPackageError(
          ModelPackageErrorCodes.downloadFailed,
          `${pkg.prefix}/${file}: download failed (${String(err).split('\n')[0]})`,
        );
      }
      if (actual !== pkg.files[file])
        throw new ModelPackageError(
          ModelPackageErrorCodes.hashMismatch,
          `${pkg.prefix}/${file}: sha256 ${actual} does not match the registered ${pkg.files[file]}`,
        );
      for (let d = dirname(path); d.startsWith(dir); d = dirname(d)) folders.add(d);
    }
    for (const folder of folders) await fsyncDir(folder);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
