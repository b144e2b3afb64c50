import { performance } from 'node:perf_hooks';
import { Tensor } from 'onnxruntime-node';
import { seededNormals } from '../random';
import { createScheduler } from '../scheduler/create-scheduler';
import type { Scheduler } from '../scheduler/scheduler';
import type { LoadedModel } from './loaded-model';
import { encodeImagePng, toRgb } from './png';
import { latentPreview } from './preview';

export interface GenerateRequest {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  /** Image i of a batch uses seed + i (mod 2^32), so each image can be reproduced alone. */
  seed: number;
  count?: number;
  scheduler?: 'euler' | 'lcm';
}

export interface GenerateHooks {
  /** After every UNet step of every image. */
  onProgress?(progress: StepProgress): void;
  /** Asked before every step; true stops the run with `canceled: true`. */
  shouldCancel?(): boolean | Promise<boolean>;
}

export interface StepProgress {
  image: number;
  step: number;
  steps: number;
  stepMs: number;
  /** A small PNG of the image being formed (computed only when called). */
  preview(): Buffer;
}

export interface GeneratedImage {
  index: number;
  seed: number;
  width: number;
  height: number;
  png: Buffer;
}

export interface GenerateResult {
  canceled: boolean;
  images: GeneratedImage[];
  /**
   * Wall time of the whole call, the part spent inside ONNX Runtime's run(), and the part spent
   * encoding PNGs (sharp's thread pool; it overlaps the next image's steps in a batch).
   */
  timings: { totalMs: number; sessionMs: number; stepsRun: number; pngMs?: number };
}

/**
 * The text-to-image loop: CLIP tokens → text states; seeded latents; for each scheduler step
 * the UNet (batched unconditional + conditional when guidance > 1, classifier-free guidance),
 * the scheduler update; then the VAE decoder and PNG encoding. CPU runs are deterministic.
 */
export class TextToImagePipeline {
  private sessionMs = 0;
  private pngMs = 0;

  constructor(private readonly model: LoadedModel) {}

  async generate(request: GenerateRequest, hooks: GenerateHooks = {}): Promise<GenerateResult> {
    const started = performance.now();
    this.sessionMs = 0;
    this.pngMs = 0;
    const { width, height } = request;
    if (width % 8 !== 0 || height % 8 !== 0)
      throw new Error('width and height must be multiples of 8');
    const guided = request.guidanceScale > 1;
    const cond = await this.encodeText(request.prompt);
    const uncond = guided ? await this.encodeText(request.negativePrompt ?? '') : undefined;
    const states = uncond ? concat(uncond, cond) : cond;
    // An image's PNG is encoded off the event loop while the next image denoises.
    const encoded: Promise<GeneratedImage>[] = [];
    let stepsRun = 0;
    for (let index = 0; index < (request.count ?? 1); index++) {
      const seed = (request.seed + index) >>> 0;
      const scheduler = createScheduler(this.model.schedulerConfig, request.scheduler);
      scheduler.setTimesteps(request.steps);
      const run = await this.denoise(
        scheduler,
        {
          states,
          batch: guided ? 2 : 1,
          seed,
          width,
          height,
          guidance: request.guidanceScale,
          index,
        },
        hooks,
      );
      stepsRun += run.steps;
      if (run.canceled) {
        const images = await Promise.all(encoded);
        return { canceled: true, images, timings: this.timings(started, stepsRun) };
      }
      const rgb = await this.decode(run.latents, width, height);
      const image = this.encode(rgb, width, height).then((png) => ({
        index,
        seed,
        width,
        height,
        png,
      }));
      image.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      encoded.push(image);
    }
    const images = await Promise.all(encoded);
    return { canceled: false, images, timings: this.timings(started, stepsRun) };
  }

  private timings(started: number, stepsRun: number) {
    return {
      totalMs: performance.now() - started,
      sessionMs: this.sessionMs,
      stepsRun,
      pngMs: this.pngMs,
    };
  }

  private async encode(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
    const t0 = performance.now();
    const png = await encodeImagePng(width, height, rgb);
    this.pngMs += performance.now() - t0;
    return png;
  }

  private async run(
    session: LoadedModel['unet'],
    feeds: Record<string, Tensor>,
  ): Promise<Record<string, Tensor>> {
    const t0 = performance.now();
    const out = await session.run(feeds);
    this.sessionMs += performance.now() - t0;
    return out as Record<string, Tensor>;
  }

  private async encodeText(text: string): Promise<Tensor> {
    const ids = this.model.tokenizer.encode(text);
    const input =
      this.model.inputIdsType === 'int64'
        ? new Tensor(
            'int64',
            BigInt64Array.from(ids, (v) => BigInt(v)),
            [1, ids.length],
          )
        : new Tensor('int32', ids, [1, ids.length]);
    const out = await this.run(this.model.textEncoder, { input_ids: input });
    return out.last_hidden_state;
  }

  private async denoise(
    scheduler: Scheduler,
    args: {
      /** The text states, [uncond; cond] when batch is 2. */
      states: Tensor;
      batch: 1 | 2;
      seed: number;
      width: number;
      height: number;
      guidance: number;
      index: number;
    },
    hooks: GenerateHooks,
  ): Promise<{ canceled: boolean; latents: Float32Array; steps: number }> {
    const shape = [1, this.model.latentChannels, args.height / 8, args.width / 8];
    const size = shape.reduce((a, b) => a * b, 1);
    const normals = seededNormals(args.seed);
    const draw = () => {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = normals();
      return out;
    };
    const sigma = scheduler.initNoiseSigma;
    let latents: Float32Array = draw();
    for (let i = 0; i < size; i++) latents[i] *= sigma;
    const { batch, states } = args;
    // Reused across steps: the UNet input (both halves of the batch) and the guided output.
    const sample = new Float32Array(batch * size);
    const sampleTensor = new Tensor('float32', sample, [batch, ...shape.slice(1)]);
    const guided = batch === 2 ? new Float32Array(size) : undefined;
    const steps = scheduler.timesteps.length;
    for (let i = 0; i < steps; i++) {
      if (hooks.shouldCancel && (await hooks.shouldCancel()))
        return { canceled: true, latents, steps: i };
      const t0 = performance.now();
      const input = scheduler.scaleModelInput(latents, i);
      sample.set(input);
      if (batch === 2) sample.set(input, size);
      const out = await this.run(this.model.unet, {
        sample: sampleTensor,
        timestep: this.timestep(scheduler.timesteps[i]),
        encoder_hidden_states: states,
      });
      const eps = out.out_sample.data as Float32Array;
      latents = scheduler.step(guided ? guide(eps, guided, args.guidance) : eps, i, latents, draw);
      const estimate = scheduler.denoised ?? latents;
      hooks.onProgress?.({
        image: args.index,
        step: i + 1,
        steps,
        stepMs: performance.now() - t0,
        preview: () => latentPreview(estimate, shape[1], shape[3], shape[2]),
      });
    }
    return { canceled: false, latents, steps };
  }

  private timestep(t: number): Tensor {
    return this.model.timestepType === 'int64'
      ? new Tensor('int64', BigInt64Array.of(BigInt(Math.round(t))), [1])
      : new Tensor('float32', Float32Array.of(t), [1]);
  }

  /** Latents → the VAE → interleaved RGB bytes. */
  private async decode(latents: Float32Array, width: number, height: number): Promise<Uint8Array> {
    const factor = this.model.vaeScalingFactor;
    const scaled = new Float32Array(latents.length);
    for (let i = 0; i < latents.length; i++) scaled[i] = latents[i] / factor;
    const out = await this.run(this.model.vaeDecoder, {
      latent_sample: new Tensor('float32', scaled, [
        1,
        this.model.latentChannels,
        height / 8,
        width / 8,
      ]),
    });
    const image = out.sample;
    const [, , h, w] = image.dims;
    if (h !== height || w !== width)
      throw new Error(`the VAE decoded ${w}x${h}, expected ${width}x${height}`);
    return toRgb(image.data as Float32Array, width, height);
  }
}

/** [uncond; cond] along the batch axis. */
function concat(a: Tensor, b: Tensor): Tensor {
  const data = new Float32Array(a.size + b.size);
  data.set(a.data as Float32Array);
  data.set(b.data as Float32Array, a.size);
  return new Tensor('float32', data, [2, ...a.dims.slice(1)]);
}

/** Classifier-free guidance into `out`: uncond + scale * (cond - uncond). */
function guide(eps: Float32Array, out: Float32Array, scale: number): Float32Array {
  const size = out.length;
  for (let i = 0; i < size; i++) {
    const u = eps[i];
    out[i] = u + scale * (eps[size + i] - u);
  }
  return out;
}
