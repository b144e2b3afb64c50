import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadModel, makeTinyModel, parseProviders, TextToImagePipeline } from '@pingvas/inference';

/**
 * `npm run bench:inference`: for the tiny model on this machine, the pipeline time per image
 * and the raw ONNX Runtime time inside it; the rest is our own code (tokenizer, scheduler,
 * guidance, tensor copies, RGB conversion, PNG), printed in ms and as a percentage, with the PNG
 * encoding's share of it.
 */
const CASES = [
  { width: 64, height: 64, steps: 4, guidanceScale: 1 },
  { width: 64, height: 64, steps: 4, guidanceScale: 7.5 },
  { width: 256, height: 256, steps: 4, guidanceScale: 1 },
  { width: 512, height: 512, steps: 4, guidanceScale: 1 },
];
const RUNS = 20;
/** Unmeasured runs per case first, so V8 has optimised the hot loops (a worker warms up at boot). */
const WARMUP = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const dir = process.env.BENCH_MODEL ?? join('models', 'tiny-sd');
  if (!existsSync(join(dir, 'model_index.json'))) await makeTinyModel(dir);
  const model = await loadModel(
    dir,
    parseProviders(process.env.ORT_EXECUTION_PROVIDERS ?? 'cuda,cpu'),
  );
  const pipeline = new TextToImagePipeline(model);
  process.stdout.write(
    `model ${dir}, provider ${model.provider}, node ${process.version}, ${RUNS} runs per case (median)\n`,
  );
  process.stdout.write(
    'size      steps  guidance  per image ms  onnx ms  our ms  of it png ms  our code %  rss MB\n',
  );
  for (const c of CASES) {
    for (let i = 0; i < WARMUP; i++) await pipeline.generate({ prompt: 'warm-up', seed: 1, ...c });
    const totals: number[] = [];
    const sessions: number[] = [];
    const pngs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = await pipeline.generate({
        prompt: '창가의 고양이, a cat by the window',
        seed: 42 + i,
        ...c,
      });
      totals.push(performance.now() - t0);
      sessions.push(r.timings.sessionMs);
      pngs.push(r.timings.pngMs ?? 0);
    }
    const total = median(totals);
    const session = median(sessions);
    const ours = total - session;
    const overhead = (ours / total) * 100;
    const rss = process.memoryUsage().rss / 2 ** 20;
    process.stdout.write(
      `${`${c.width}x${c.height}`.padEnd(10)}${String(c.steps).padEnd(7)}${String(c.guidanceScale).padEnd(10)}` +
        `${total.toFixed(1).padStart(12)}  ${session.toFixed(1).padStart(7)}  ${ours.toFixed(2).padStart(6)}  ${median(pngs).toFixed(2).padStart(12)}  ${overhead.toFixed(1).padStart(10)}  ${rss.toFixed(0).padStart(6)}\n`,
    );
  }
  await model.release();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err)}\n`);
  process.exit(1);
});
