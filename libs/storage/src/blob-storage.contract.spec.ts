import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { TestS3Server } from '@pingvas/testing';
import { BlobNotFoundError, type BlobStorage } from './blob-storage';
import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage } from './s3.storage';
import { createBlobStorage, loadStorageConfig } from './storage-config';

const BUCKET = 'pingvas-test-images';

interface Driver {
  name: string;
  setUp(): Promise<{ storage: BlobStorage; tearDown(): Promise<void> }>;
}

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await TestS3Server.start([BUCKET]);
});
afterAll(() => s3?.stop());

let run = 0;
const DRIVERS: Driver[] = [
  {
    name: 'LocalDiskStorage (a temporary folder)',
    async setUp() {
      const root = await mkdtemp(join(tmpdir(), 'pingvas-storage-'));
      return {
        storage: new LocalDiskStorage(root),
        tearDown: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3Storage (the AWS SDK against s3rver)',
    async setUp() {
      // Each test under its own key prefix, so none sees another's objects.
      const env = s3.storageEnv(BUCKET, { S3_KEY_PREFIX: `run-${++run}` });
      const storage = createBlobStorage(loadStorageConfig('storage-contract', env));
      if (!(storage instanceof S3Storage)) throw new Error('STORAGE_DRIVER=s3 made no S3Storage');
      return { storage, tearDown: async () => storage.close() };
    },
  },
];

describe.each(DRIVERS)('BlobStorage contract: $name', (driver) => {
  let storage: BlobStorage;
  let tearDown: () => Promise<void>;

  beforeEach(async () => {
    ({ storage, tearDown } = await driver.setUp());
  });
  afterEach(() => tearDown());

  it('stores a buffer and reads it back with its size and content type', async () => {
    expect(await storage.put('u1/g1/0.png', Buffer.from('png-bytes'))).toEqual({
      size: 9,
      contentType: 'image/png',
    });
    expect(await storage.stat('u1/g1/0.png')).toEqual({ size: 9, contentType: 'image/png' });
    expect(await text(await storage.read('u1/g1/0.png'))).toBe('png-bytes');
  });

  it('stores a stream of several chunks', async () => {
    const info = await storage.put(
      'a/b.webp',
      Readable.from([Buffer.from('ab'), Buffer.from('cd')]),
    );
    expect(info).toEqual({ size: 4, contentType: 'image/webp' });
    expect(await text(await storage.read('a/b.webp'))).toBe('abcd');
  });

  it('stores a stream larger than one upload part (5 MiB) byte for byte', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const chunks = [big.subarray(0, 3_000_000), big.subarray(3_000_000)];
    expect((await storage.put('big/one.png', Readable.from(chunks))).size).toBe(big.length);
    expect((await buffer(await storage.read('big/one.png'))).equals(big)).toBe(true);
  });

  it('replaces what a key held', async () => {
    await storage.put('k.json', Buffer.from('{"v":1}'));
    await storage.put('k.json', Buffer.from('{"v":22}'));
    expect(await text(await storage.read('k.json'))).toBe('{"v":22}');
    expect(await storage.stat('k.json')).toEqual({ size: 8, contentType: 'application/json' });
  });

  it.each([
    ['x.jpg', 'image/jpeg'],
    ['x.JPEG', 'image/jpeg'],
    ['x.bin', 'application/octet-stream'],
  ])('names the content type of %s %s', async (key, contentType) => {
    expect(await storage.put(key, Buffer.from('x'))).toEqual({ size: 1, contentType });
  });

  it('leaves no blob behind when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('source broke'));
      },
    });
    await expect(storage.put('x/y.png', failing)).rejects.toThrow('source broke');
    expect(await storage.stat('x/y.png')).toBeNull();
  });

  it('answers null and BlobNotFoundError for a missing key', async () => {
    expect(await storage.stat('nothing.png')).toBeNull();
    await expect(storage.read('nothing.png')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes idempotently', async () => {
    await storage.put('k.png', Buffer.from('x'));
    await storage.delete('k.png');
    await storage.delete('k.png');
    await storage.delete('never/was.png');
    expect(await storage.stat('k.png')).toBeNull();
  });

  it.each(['../etc/passwd', '/abs.png', 'a/../../b', 'a//b', 'a\\b', '', 'a/./b'])(
    'refuses the key %p',
    async (key) => {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/invalid blob key/);
      await expect(storage.stat(key)).rejects.toThrow(/invalid blob key/);
    },
  );
});

describe('S3Storage presigned downloads (s3rver)', () => {
  it('makes a short-lived GET URL that answers the bytes with the asked headers', async () => {
    const storage = createBlobStorage(loadStorageConfig('storage-contract', s3.storageEnv(BUCKET)));
    await storage.put('p/0.png', Buffer.from('signed-bytes'));
    const url = await storage.presignedUrl!('p/0.png', {
      expiresInS: 300,
      filename: 'image "0".png',
      contentType: 'image/png',
      cacheControl: 'private, max-age=300',
    });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('360');
    expect(url.startsWith(`${s3.endpoint}/${BUCKET}/p/0.png?`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('signed-bytes');
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="image _0_.png"');
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
    // s3rver does not check query signatures; AWS and MinIO do.
    expect(new URL(url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes the URL answer Content-Disposition: attachment when the file is to be saved', async () => {
    const storage = createBlobStorage(loadStorageConfig('storage-contract', s3.storageEnv(BUCKET)));
    await storage.put('p/1.png', Buffer.from('saved-bytes'));
    const url = await storage.presignedUrl!('p/1.png', {
      expiresInS: 300,
      filename: 'pingvas-1.png',
      attachment: true,
    });
    expect(new URL(url).searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="pingvas-1.png"',
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pingvas-1.png"');
    expect(await res.text()).toBe('saved-bytes');
  });

  it('has no presigned URLs on local disk (files stream through the service)', () => {
    const local: BlobStorage = new LocalDiskStorage(tmpdir());
    expect(local.presignedUrl).toBeUndefined();
  });
});
