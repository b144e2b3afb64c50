import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyModel } from '../tiny-model/make-tiny-model';
import { type LoadedModel, loadModel } from './loaded-model';
import { type GenerateRequest, TextToImagePipeline } from './pipeline';

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The real ONNX Runtime (CPU provider) on the bundled tiny model, written to a temp folder. */
describe('TextToImagePipeline on the tiny model', () => {
  let dir: string;
  let model: LoadedModel;
  let pipeline: TextToImagePipeline;
  const base: GenerateRequest = {
    prompt: '창가의 고양이',
    width: 64,
    height: 64,
    steps: 4,
    guidanceScale: 1,
    seed: 42,
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pingvas-tiny-'));
    await makeTinyModel(dir);
    model = await loadModel(dir, ['cpu']);
    pipeline = new TextToImagePipeline(model);
  });

  afterAll(async () => {
    await model?.release();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives byte-identical PNGs for the same seed, and another for seed 43', async () => {
    const [a, b, c] = await Promise.all([
      pipeline.generate(base),
      pipeline.generate(base),
      pipeline.generate({ ...base, seed: 43 }),
    ]).then((rs) => rs.map((r) => r.images[0].png));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('writes PNGs of the requested width and height', async () => {
    const result = await pipeline.generate({ ...base, width: 128, height: 64 });
    expect(pngSize(result.images[0].png)).toEqual({ width: 128, height: 64 });
    expect(result.images[0]).toMatchObject({ index: 0, seed: 42, width: 128, height: 64 });
  });

  it('runs with guidance 1.0 (no second batch) and 7.5 (classifier-free guidance), which differ', async () => {
    const plain = await pipeline.generate({ ...base, guidanceScale: 1 });
    const guided = await pipeline.generate({
      ...base,
      guidanceScale: 7.5,
      negativePrompt: 'blurry',
    });
    expect(guided.canceled).toBe(false);
    expect(plain.images[0].png.equals(guided.images[0].png)).toBe(false);
  });

  it('reports progress once per step', async () => {
    const seen: number[] = [];
    await pipeline.generate({ ...base, steps: 4 }, { onProgress: (p) => seen.push(p.step) });
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('offers at each step a preview at latent resolution that changes as the image forms', async () => {
    const previews: Buffer[] = [];
    await pipeline.generate(
      { ...base, width: 128, height: 64, steps: 3 },
      { onProgress: (p) => previews.push(p.preview()) },
    );
    expect(previews).toHaveLength(3);
    for (const png of previews) expect(pngSize(png)).toEqual({ width: 16, height: 8 });
    expect(previews[0].equals(previews[2])).toBe(false);
  });

  it('stops before step 3 when a cancel is requested after step 1 of 8', async () => {
    let cancel = false;
    const seen: number[] = [];
    const result = await pipeline.generate(
      { ...base, steps: 8 },
      {
        onProgress: (p) => {
          seen.push(p.step);
          if (p.step === 1) cancel = true;
        },
        shouldCancel: () => cancel,
      },
    );
    expect(result.canceled).toBe(true);
    expect(result.images).toEqual([]);
    expect(Math.max(...seen)).toBeLessThan(3);
  });

  it('makes a batch whose image i can be reproduced alone with seed + i', async () => {
    const batch = await pipeline.generate({ ...base, count: 2 });
    expect(batch.images.map((i) => i.seed)).toEqual([42, 43]);
    const alone = await pipeline.generate({ ...base, seed: 43 });
    expect(batch.images[1].png.equals(alone.images[0].png)).toBe(true);
  });

  it('keeps the finished images of a large batch canceled in its second image, in order', async () => {
    // 256x256 is encoded by sharp while the next image denoises.
    const big = { ...base, width: 256, height: 256, steps: 2 };
    const canceled = await pipeline.generate(
      { ...big, count: 3 },
      {
        shouldCancel: (() => {
          let asked = 0;
          return () => ++asked > 3;
        })(),
      },
    );
    expect(canceled.canceled).toBe(true);
    expect(canceled.images.map((i) => i.index)).toEqual([0]);
    const alone = await pipeline.generate(big);
    expect(canceled.images[0].png.equals(alone.images[0].png)).toBe(true);
    expect(pngSize(alone.images[0].png)).toEqual({ width: 256, height: 256 });
    expect(alone.timings.pngMs).toBeGreaterThan(0);
  });

  it('also runs with the LCM scheduler', async () => {
    const result = await pipeline.generate({ ...base, scheduler: 'lcm' });
    expect(pngSize(result.images[0].png)).toEqual({ width: 64, height: 64 });
  });

  it('refuses sizes that are not multiples of 8', async () => {
    await expect(pipeline.generate({ ...base, width: 60 })).rejects.toThrow(/multiples of 8/);
  });
});
