import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { packageDigest } from '@pingvas/inference';
import { LocalDiskStorage } from '@pingvas/storage';
import { type DownloadOutcome, ModelPackageCache } from './package-cache';
import type { StoredPackage } from './package-download';

/** The real local blob store, counting the files read out of it. */
class CountingStorage extends LocalDiskStorage {
  reads = 0;
  override async read(key: string): Promise<Readable> {
    this.reads++;
    return super.read(key);
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A clock the test moves: last-use order and lease ages never depend on real time. */
const clock = { t: Date.UTC(2026, 0, 1), now: () => clock.t };

describe('ModelPackageCache (real folders, real local blob store)', () => {
  let root: string;
  let storage: CountingStorage;
  let caches: ModelPackageCache[];
  let outcomes: DownloadOutcome[];

  /** A package of `bytes` bytes in the store under models/<name>/1. */
  async function storedPackage(name: string, bytes = 1000): Promise<StoredPackage> {
    const content: Record<string, Buffer> = {
      'model_index.json': Buffer.from(JSON.stringify({ name })),
      'unet/model.onnx': Buffer.alloc(bytes, name),
    };
    const files: Record<string, string> = {};
    for (const [file, data] of Object.entries(content)) {
      await storage.put(`models/${name}/1/${file}`, data);
      files[file] = sha256(data);
    }
    return { digest: packageDigest(files), prefix: `models/${name}/1`, files };
  }

  /** One cache per worker process on the node, all on the same folder. */
  function cache(holderId: string, maxBytes = 1_000_000): ModelPackageCache {
    const c = new ModelPackageCache(storage, {
      dir: join(root, 'cache'),
      maxBytes,
      holderId,
      pollMs: 5,
      now: clock.now,
      events: { downloaded: (o) => outcomes.push(o) },
    });
    caches.push(c);
    return c;
  }

  const cached = async () => (await readdir(join(root, 'cache', 'packages'))).sort();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pingvas-model-cache-'));
    storage = new CountingStorage(join(root, 'blobs'));
    caches = [];
    outcomes = [];
  });

  afterEach(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('downloads a package once for concurrent first uses in one process and in another', async () => {
    const pkg = await storedPackage('a');
    const [one, two] = [cache('worker-1'), cache('worker-2')];

    const held = await Promise.all([
      one.acquire(pkg),
      one.acquire(pkg),
      two.acquire(pkg),
      one.acquire(pkg),
      two.acquire(pkg),
    ]);

    expect(storage.reads).toBe(2);
    expect(outcomes).toEqual(['succeeded']);
    expect(new Set(held.map((h) => h.dir)).size).toBe(1);
    expect(await readFile(join(held[0].dir, 'model_index.json'), 'utf8')).toBe('{"name":"a"}');
    expect(await readdir(join(root, 'cache', 'tmp'))).toEqual([]);
  });

  it('does not download again in a process started later on the same folder', async () => {
    const pkg = await storedPackage('a');
    await (await cache('worker-1').acquire(pkg)).release();

    const later = await cache('worker-2').acquire(pkg);

    expect(storage.reads).toBe(2);
    expect(later.dir).toBe(join(root, 'cache', 'packages', pkg.digest));
  });

  it('fails a file whose bytes do not match the recorded hash with MODEL_HASH_MISMATCH and keeps nothing', async () => {
    const pkg = await storedPackage('a');
    const tampered = {
      ...pkg,
      files: { ...pkg.files, 'unet/model.onnx': sha256(Buffer.from('x')) },
    };

    await expect(cache('worker-1').acquire(tampered)).rejects.toMatchObject({
      code: 'MODEL_HASH_MISMATCH',
      message: expect.stringContaining('models/a/1/unet/model.onnx'),
    });
    expect(outcomes).toEqual(['hash_mismatch']);
    expect(await readdir(join(root, 'cache', 'packages'))).toEqual([]);
    expect(await readdir(join(root, 'cache', 'tmp'))).toEqual([]);
    expect(await readdir(join(root, 'cache', 'locks'))).toEqual([]);
  });

  it('fails a package with a file missing from the store with MODEL_DOWNLOAD_FAILED', async () => {
    const pkg = await storedPackage('a');
    await storage.delete('models/a/1/unet/model.onnx');

    await expect(cache('worker-1').acquire(pkg)).rejects.toMatchObject({
      code: 'MODEL_DOWNLOAD_FAILED',
    });
    expect(outcomes).toEqual(['failed']);
    expect(await readdir(join(root, 'cache', 'tmp'))).toEqual([]);
  });

  it('evicts the least recently used packages once the cache passes its size', async () => {
    const [a, b, c] = [
      await storedPackage('a'),
      await storedPackage('b'),
      await storedPackage('c'),
    ];
    const sut = cache('worker-1', 2500); // room for two packages of ~1 kB
    for (const pkg of [a, b, a]) {
      clock.t += 1000;
      await (await sut.acquire(pkg)).release();
    }

    clock.t += 1000;
    await (await sut.acquire(c)).release();

    expect(await cached()).toEqual([a.digest, c.digest].sort());
    expect(await sut.totalBytes()).toBeLessThanOrEqual(2500);
  });

  it('never evicts a package in use, even the least recently used one', async () => {
    const [a, b, c] = [
      await storedPackage('a'),
      await storedPackage('b'),
      await storedPackage('c'),
    ];
    const sut = cache('worker-1', 1500); // room for one
    clock.t += 1000;
    const inUse = await sut.acquire(a);
    clock.t += 1000;
    await (await sut.acquire(b)).release();

    clock.t += 1000;
    await (await sut.acquire(c)).release();

    expect(await cached()).toEqual([a.digest, c.digest].sort());
    expect(await readFile(join(inUse.dir, 'model_index.json'), 'utf8')).toBe('{"name":"a"}');
  });

  it('keeps a package another process holds a fresh lease on, not one whose holder died', async () => {
    const [a, b, c] = [
      await storedPackage('a'),
      await storedPackage('b'),
      await storedPackage('c'),
    ];
    const sut = cache('worker-1', 2500); // room for two: one of a and b must go for c
    for (const pkg of [a, b]) {
      clock.t += 1000;
      await (await sut.acquire(pkg)).release();
    }
    const lease = (pkg: StoredPackage, holder: string) =>
      join(root, 'cache', 'leases', pkg.digest, holder);
    await writeFile(lease(a, 'worker-2'), '');
    await utimes(lease(a, 'worker-2'), new Date(clock.t), new Date(clock.t));
    await writeFile(lease(b, 'dead-worker'), '');
    await utimes(lease(b, 'dead-worker'), new Date(clock.t - 120_000), new Date(clock.t - 120_000));

    clock.t += 1000;
    await (await sut.acquire(c)).release();

    expect(await cached()).toEqual([a.digest, c.digest].sort());
  });

  it('takes over the download lock of a process that died holding it', async () => {
    const pkg = await storedPackage('a');
    await mkdir(join(root, 'cache', 'locks'), { recursive: true });
    const lock = join(root, 'cache', 'locks', pkg.digest);
    await writeFile(lock, 'dead-worker');
    await utimes(lock, new Date(clock.t - 120_000), new Date(clock.t - 120_000));

    const held = await cache('worker-1').acquire(pkg);

    expect(await readFile(join(held.dir, 'model_index.json'), 'utf8')).toBe('{"name":"a"}');
    expect(outcomes).toEqual(['succeeded']);
  });
});
