import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalDiskStorage } from './local-disk.storage';

// What every store does is in blob-storage.contract.spec.ts; these are the files themselves.
describe('LocalDiskStorage (real file system)', () => {
  let root: string;
  let storage: LocalDiskStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pingvas-storage-'));
    storage = new LocalDiskStorage(root);
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('writes a blob as the file at its key under the root', async () => {
    await storage.put('a/b.webp', Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(await readFile(join(root, 'a/b.webp'), 'utf8')).toBe('abcd');
  });

  it('leaves no partial file behind when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('source broke'));
      },
    });
    await expect(storage.put('x/y.png', failing)).rejects.toThrow('source broke');
    expect(await readdir(join(root, 'x'))).toEqual([]);
  });

  it('removes the folders a deleted blob leaves empty, and only those', async () => {
    await storage.put('images/u1/g1/0.png', Buffer.from('a'));
    await storage.put('images/u1/g1/1.png', Buffer.from('b'));
    await storage.put('images/u1/g2/0.png', Buffer.from('c'));
    await storage.delete('images/u1/g1/0.png');
    expect(await readdir(join(root, 'images/u1/g1'))).toEqual(['1.png']);
    await storage.delete('images/u1/g1/1.png');
    expect(await readdir(join(root, 'images/u1'))).toEqual(['g2']);
    await storage.delete('images/u1/g2/0.png');
    expect(await readdir(root)).toEqual([]);
    await storage.delete('images/u1/g2/0.png');
    expect(await readdir(root)).toEqual([]);
  });

  it('writes into a folder that a delete of its last blob removes at the same moment', async () => {
    // One process deletes a user's last export while another writes the next into the same
    // folder: the folder may go between the write's mkdir and its open.
    for (let i = 0; i < 300; i++) {
      await storage.put(`exports/u1/old-${i}.zip`, Buffer.from('old'));
      await Promise.all([
        storage.delete(`exports/u1/old-${i}.zip`),
        storage.put(`exports/u1/new-${i}.zip`, Readable.from([Buffer.from('new')])),
      ]);
      expect(await readFile(join(root, `exports/u1/new-${i}.zip`), 'utf8')).toBe('new');
      await storage.delete(`exports/u1/new-${i}.zip`);
    }
    expect(await readdir(root)).toEqual([]);
  });
});
