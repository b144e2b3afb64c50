import { Readable } from 'node:stream';
import type { BlobInfo, BlobStorage } from '@pingvas/storage';
import { ZipFile } from 'yazl';

/** A file of the zip whose bytes are read only when the zip gets to it. */
export interface StreamedEntry {
  name: string;
  open: () => Promise<Readable>;
}

export interface ExportZipContents {
  /** `name.json` → value, written as indented JSON (compressed). */
  json: Record<string, unknown>;
  /** Stored as they are (images are compressed already), each opened in turn. */
  files: StreamedEntry[];
}

/**
 * Writes one zip to the blob store at `key`, streaming: the JSON documents are small, and each
 * file is opened only when the zip reaches it and piped through, so memory holds one file's
 * chunks at a time however many images a user has. The same key written again replaces it.
 */
export async function writeExportZip(
  storage: BlobStorage,
  key: string,
  contents: ExportZipContents,
  mtime = new Date(),
): Promise<BlobInfo> {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  // A failed entry (a file that cannot be read) ends the output with that error: the store's
  // write rejects and leaves no complete zip behind. The error may come before the store has
  // begun reading the output, so it is kept here and is what the write rejects with.
  let failure: Error | undefined;
  output.on('error', () => undefined);
  zip.on('error', (err: unknown) => {
    failure ??= err instanceof Error ? err : new Error(String(err));
    output.destroy(failure);
  });

  for (const [name, value] of Object.entries(contents.json)) {
    zip.addBuffer(Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'), name, {
      mtime,
      compress: true,
    });
  }
  for (const entry of contents.files) {
    zip.addReadStreamLazy(entry.name, { mtime, compress: false }, (cb) => {
      entry.open().then(
        (stream) => cb(null, stream),
        (err: unknown) => cb(err, Readable.from([])), // yazl emits err; the stream is unread
      );
    });
  }
  zip.end();
  let info: BlobInfo;
  try {
    info = await storage.put(key, output);
  } catch (err) {
    throw failure ?? err;
  }
  if (failure) {
    await storage.delete(key);
    throw failure;
  }
  return info;
}
