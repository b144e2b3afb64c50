import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { LocalDiskStorage } from '@pingvas/storage';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { writeExportZip } from './export-zip';

/** Every entry of a zip: name → bytes. */
async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', () => resolve());
    file.on('entry', (entry: Entry) => {
      file.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        buffer(stream).then((bytes) => {
          out.set(entry.fileName, bytes);
          file.readEntry();
        }, reject);
      });
    });
    file.readEntry();
  });
  return out;
}

describe('writeExportZip', () => {
  let dir: string;
  let storage: LocalDiskStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-zip-'));
    storage = new LocalDiskStorage(dir);
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the JSON documents and every file byte for byte, opening each file only when the zip reaches it', async () => {
    const files = [0, 1, 2].map((i) => Buffer.alloc(200_000 + i, i + 1));
    const opened: number[] = [];
    const info = await writeExportZip(storage, 'exports/u/e.zip', {
      json: { 'account.json': { id: 'u', name: '김 <하나>' }, 'ledger.json': [] },
      files: files.map((bytes, i) => ({
        name: `images/${i}.png`,
        open: async () => {
          opened.push(i);
          // Each file is opened after the previous one was read to its end.
          expect(opened).toEqual([0, 1, 2].slice(0, i + 1));
          return Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
        },
      })),
    });
    const zip = await buffer(await storage.read('exports/u/e.zip'));
    expect(info.size).toBe(zip.length);
    const entries = await unzip(zip);
    expect([...entries.keys()]).toEqual([
      'account.json',
      'ledger.json',
      'images/0.png',
      'images/1.png',
      'images/2.png',
    ]);
    expect(JSON.parse(entries.get('account.json')!.toString('utf8'))).toEqual({
      id: 'u',
      name: '김 <하나>',
    });
    files.forEach((bytes, i) => expect(entries.get(`images/${i}.png`)!.equals(bytes)).toBe(true));
  });

  it('replaces the zip when the same key is written again (a retried export)', async () => {
    await writeExportZip(storage, 'exports/u/e.zip', { json: { 'a.json': 1 }, files: [] });
    await writeExportZip(storage, 'exports/u/e.zip', { json: { 'b.json': 2 }, files: [] });
    const entries = await unzip(await buffer(await storage.read('exports/u/e.zip')));
    expect([...entries.keys()]).toEqual(['b.json']);
  });

  it('rejects when a file cannot be read, leaving no zip behind', async () => {
    await expect(
      writeExportZip(storage, 'exports/u/bad.zip', {
        json: { 'a.json': 1 },
        files: [{ name: 'images/x.png', open: () => Promise.reject(new Error('no blob at x')) }],
      }),
    ).rejects.toThrow(/no blob at x/);
    expect(await storage.stat('exports/u/bad.zip')).toBeNull();
  });
});
