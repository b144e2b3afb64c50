import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiskStorage } from '@pingvas/storage';
import { makeTinyModel } from '../tiny-model/make-tiny-model';
import { packageDigest, packageFileKey } from './package-files';
import { validateStoredPackage } from './stored-package';
import { validatePackage } from './validate-package';

describe('validateStoredPackage (tiny model in a real local blob store)', () => {
  let root: string;
  let storage: LocalDiskStorage;
  let files: string[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pingvas-stored-package-'));
    storage = new LocalDiskStorage(join(root, 'blobs'));
    ({ files } = await makeTinyModel(join(root, 'tiny')));
    for (const file of files)
      await storage.put(
        packageFileKey('models/tiny/1', file),
        await readFile(join(root, 'tiny', file)),
      );
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('validates a stored package and hashes its files as the same package on disk', async () => {
    const stored = await validateStoredPackage(storage, 'models/tiny/1');
    const onDisk = await validatePackage(join(root, 'tiny'));

    expect(stored).toEqual({ ok: true, problems: [], hashes: onDisk.hashes });
    expect(stored.hashes['tokenizer/tokenizer_config.json']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names a file missing from the store as a problem', async () => {
    for (const file of files)
      if (file !== 'unet/model.onnx')
        await storage.put(
          packageFileKey('models/no-unet/1', file),
          await readFile(join(root, 'tiny', file)),
        );

    const stored = await validateStoredPackage(storage, 'models/no-unet/1/');

    expect(stored.ok).toBe(false);
    expect(stored.problems).toContain('unet/model.onnx: missing');
  });
});

describe('packageDigest', () => {
  it('is the same whatever order the files are listed in, and changes with any hash', () => {
    const a = packageDigest({ 'a.json': '11', 'b/model.onnx': '22' });

    expect(packageDigest({ 'b/model.onnx': '22', 'a.json': '11' })).toBe(a);
    expect(packageDigest({ 'a.json': '11', 'b/model.onnx': '23' })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
