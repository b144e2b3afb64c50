import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadModel, parseProviders, TextToImagePipeline } from '@pingvas/inference';

/**
 * `npm run generate -- --model models/tiny-sd --prompt "창가의 고양이" --steps 4 --seed 42 --out out.png`
 * For people checking a model package: one image, a progress bar, the time per step.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/tiny-sd' },
      prompt: { type: 'string' },
      negative: { type: 'string', default: '' },
      steps: { type: 'string', default: '4' },
      seed: { type: 'string', default: '42' },
      width: { type: 'string', default: '64' },
      height: { type: 'string', default: '64' },
      guidance: { type: 'string', default: '1' },
      scheduler: { type: 'string', default: 'euler' },
      providers: { type: 'string', default: process.env.ORT_EXECUTION_PROVIDERS ?? 'cuda,cpu' },
      out: { type: 'string', default: 'out.png' },
    },
  });
  if (!values.prompt) {
    process.stderr.write(
      'usage: npm run generate -- --prompt "…" [--model DIR] [--steps N] [--seed N] [--width W --height H] [--guidance G] [--out FILE]\n',
    );
    return 2;
  }
  const numbers = {
    steps: Number(values.steps),
    seed: Number(values.seed),
    width: Number(values.width),
    height: Number(values.height),
    guidance: Number(values.guidance),
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${name} must be a number (got ${value})`);
  }
  if (values.scheduler !== 'euler' && values.scheduler !== 'lcm')
    throw new Error('--scheduler must be euler or lcm');

  const loadStarted = Date.now();
  const model = await loadModel(values.model, parseProviders(values.providers));
  process.stderr.write(
    `loaded ${values.model} on ${model.provider} in ${Date.now() - loadStarted} ms\n`,
  );
  const bar = (step: number, steps: number, ms: number) => {
    const width = 24;
    const done = Math.round((step / steps) * width);
    process.stderr.write(
      `\r[${'#'.repeat(done)}${'-'.repeat(width - done)}] step ${step}/${steps}  ${ms.toFixed(1)} ms/step `,
    );
  };
  const result = await new TextToImagePipeline(model).generate(
    {
      prompt: values.prompt,
      negativePrompt: values.negative,
      steps: numbers.steps,
      seed: numbers.seed,
      width: numbers.width,
      height: numbers.height,
      guidanceScale: numbers.guidance,
      scheduler: values.scheduler,
    },
    { onProgress: (p) => bar(p.step, p.steps, p.stepMs) },
  );
  process.stderr.write('\n');
  await writeFile(values.out, result.images[0].png);
  process.stdout.write(
    `wrote ${values.out} (${numbers.width}x${numbers.height}, seed ${numbers.seed}) in ${result.timings.totalMs.toFixed(0)} ms, ` +
      `${result.timings.sessionMs.toFixed(0)} ms inside ONNX Runtime\n`,
  );
  await model.release();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `\ngenerate failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
