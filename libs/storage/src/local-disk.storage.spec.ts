import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobNotFoundError } from './blob-storage';
import { LocalDiskStorage } from './local-disk.storage';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('LocalDiskStorage (real file system)', () => {
  let root: string;
  let storage: LocalDiskStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pingvas-storage-'));
    storage = new LocalDiskStorage(root);
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores a buffer and reads it back with its size and content type', async () => {
    const info = await storage.put('u1/g1/0.png', Buffer.from('png-bytes'));
    expect(info).toEqual({ size: 9, contentType: 'image/png' });
    expect(await text(await storage.read('u1/g1/0.png'))).toBe('png-bytes');
  });

  it('stores a stream', async () => {
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
    expect(await storage.stat('x/y.png')).toBeNull();
    expect(await readdir(join(root, 'x'))).toEqual([]);
  });

  it('answers null and BlobNotFoundError for a missing key', async () => {
    expect(await storage.stat('nothing.png')).toBeNull();
    await expect(storage.read('nothing.png')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes idempotently', async () => {
    await storage.put('k.png', Buffer.from('x'));
    await storage.delete('k.png');
    await storage.delete('k.png');
    expect(await storage.stat('k.png')).toBeNull();
  });

  it.each(['../etc/passwd', '/abs.png', 'a/../../b', 'a//b', 'a\\b', '', 'a/./b'])(
    'refuses the key %p',
    async (key) => {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/invalid blob key/);
    },
  );
});
