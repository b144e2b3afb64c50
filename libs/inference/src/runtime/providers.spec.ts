import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyModel } from '../tiny-model/make-tiny-model';
import { isProviderInstalled, openSession } from './providers';

describe('execution providers', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pingvas-providers-'));
    await makeTinyModel(dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('knows CUDA is installed only where its provider library is', async () => {
    const libs = await mkdtemp(join(tmpdir(), 'pingvas-ort-libs-'));
    try {
      expect(isProviderInstalled('cpu', libs)).toBe(true);
      expect(isProviderInstalled('cuda', libs)).toBe(false);
      await writeFile(join(libs, 'libonnxruntime_providers_cuda.so'), '');
      expect(isProviderInstalled('cuda', libs)).toBe(true);
    } finally {
      await rm(libs, { recursive: true, force: true });
    }
  });

  it('opens on the CPU without asking for an uninstalled CUDA, and says why CUDA was passed over', async () => {
    const asked: string[] = [];
    const opened = await openSession(
      join(dir, 'text_encoder', 'model.onnx'),
      ['cuda', 'cpu'],
      (p) => {
        asked.push(p);
        return p === 'cpu';
      },
    );
    expect(opened.provider).toBe('cpu');
    await opened.session.release();
    await expect(
      openSession(join(dir, 'text_encoder', 'model.onnx'), ['cuda'], () => false),
    ).rejects.toThrow(/cuda: its provider library is not installed/);
    expect(asked).toEqual(expect.arrayContaining(['cuda', 'cpu']));
  });
});
