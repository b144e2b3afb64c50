import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStorage } from '@pingvas/storage';
import { OPTIONAL_PACKAGE_FILES, PACKAGE_FILES, packageFileKey } from './package-files';
import { type PackageValidation, validatePackage } from './validate-package';

/**
 * Validates a package stored under `prefix` in the blob store as `validatePackage` does one on
 * disk: its files are copied to a temporary folder (ONNX Runtime opens graphs from files),
 * checked and hashed there, and the folder is removed. A missing file is a problem, not a throw.
 */
export async function validateStoredPackage(
  storage: BlobStorage,
  prefix: string,
): Promise<PackageValidation> {
  const dir = await mkdtemp(join(tmpdir(), 'pingvas-package-'));
  try {
    for (const file of [...PACKAGE_FILES, ...OPTIONAL_PACKAGE_FILES]) {
      const key = packageFileKey(prefix, file);
      if (!(await storage.stat(key))) continue;
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await pipeline(await storage.read(key), createWriteStream(join(dir, file)));
    }
    return await validatePackage(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
