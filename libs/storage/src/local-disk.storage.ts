import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertBlobKey,
  type BlobInfo,
  BlobNotFoundError,
  type BlobStorage,
  contentTypeOf,
} from './blob-storage';

/**
 * Blobs as files under one root. Writes go to a temporary name and are renamed into place, so
 * a reader never sees half a file and a crash mid-write leaves no blob behind.
 */
export class LocalDiskStorage implements BlobStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    return join(this.root, assertBlobKey(key));
  }

  async put(key: string, data: Buffer | Readable): Promise<BlobInfo> {
    const target = this.pathOf(key);
    const temp = `${target}.${randomBytes(6).toString('hex')}.partial`;
    const file = await openInFolder(temp);
    try {
      await pipeline(
        Buffer.isBuffer(data) ? Readable.from([data]) : data,
        file.createWriteStream(),
      );
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    const info = await this.stat(key);
    if (!info) throw new Error(`blob ${key} vanished right after it was written`);
    return info;
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size, contentType: contentTypeOf(key) } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string): Promise<Readable> {
    if (!(await this.stat(key))) throw new BlobNotFoundError(key);
    return createReadStream(this.pathOf(key));
  }

  /**
   * Also removes the folders the blob leaves empty: keys name their owner
   * (images/<user>/<generation>/0.png), so no folder may outlive the user's last file. A write
   * racing into a folder being removed makes it again (`openInFolder`).
   */
  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    await rm(target, { force: true });
    for (let dir = dirname(target); dir.startsWith(this.root + sep); dir = dirname(dir)) {
      // Not empty (or already gone): the folders above are not empty either.
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        return;
    }
  }
}

/** Tries of `openInFolder`: each lost race means another process's delete emptied the folder. */
const OPEN_TRIES = 10;

/**
 * Creates `path` (which must not exist) with the folders above it. A delete elsewhere may
 * remove a folder it left empty between the mkdir and the open (LocalDiskStorage.delete); the
 * folder is then made again. The file is opened before any data is read, so a stream source
 * is never half consumed by a try that fails.
 */
async function openInFolder(path: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dirname(path), { recursive: true });
      return await open(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= OPEN_TRIES) throw err;
    }
  }
}
