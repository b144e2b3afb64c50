/** A denoising scheduler over flat Float32Array latents (no tensor library). */
export interface Scheduler {
  /** Timesteps for `steps` inference steps (descending), as diffusers' set_timesteps. */
  setTimesteps(steps: number): void;
  readonly timesteps: readonly number[];
  /** Multiply the initial unit-variance noise by this (Euler: sigma_max-based init_noise_sigma; LCM: 1). */
  readonly initNoiseSigma: number;
  /** scale_model_input for step i (Euler divides by sqrt(sigma^2+1); LCM returns the input). */
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array;
  /** One step: the next sample from the model output at step i. `noise` supplies fresh N(0,1) values when the scheduler needs them (LCM between steps). */
  step(
    modelOutput: Float32Array,
    stepIndex: number,
    sample: Float32Array,
    noise: () => Float32Array,
  ): Float32Array<ArrayBuffer>;
  /** The predicted original sample (x0) of the last step: what live previews show. */
  readonly denoised: Float32Array | undefined;
}

/**
 * The diffusers `scheduler_config.json` fields these schedulers read. Missing fields take the
 * defaults of the scheduler class that reads them (they differ between Euler and LCM).
 */
export interface SchedulerConfig {
  _class_name?: string;
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  trained_betas?: readonly number[] | null;
  prediction_type?: string;
  timestep_spacing?: string;
  steps_offset?: number;
  interpolation_type?: string;
  use_karras_sigmas?: boolean;
  final_sigmas_type?: string;
  rescale_betas_zero_snr?: boolean;
  original_inference_steps?: number;
  timestep_scaling?: number;
  set_alpha_to_one?: boolean;
  clip_sample?: boolean;
  thresholding?: boolean;
  /** Other fields of the JSON (e.g. `_diffusers_version`), ignored. */
  [key: string]: unknown;
}

export type PredictionType = 'epsilon' | 'v_prediction';

/** The fields that define the training noise schedule, defaults already applied. */
export interface BetaSchedule {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: string;
  trainedBetas?: readonly number[] | null;
}

/** torch.linspace(start, end, n) in float32: filled from both ends, as torch does, so `end` is exact. */
function linspace(start: number, end: number, n: number): number[] {
  const f = Math.fround;
  if (n === 1) return [f(start)];
  const step = f((f(end) - f(start)) / (n - 1));
  const half = Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) =>
    i < half ? f(f(start) + f(step * i)) : f(f(end) - f(step * (n - 1 - i))),
  );
}

/**
 * alphas_cumprod as diffusers computes it (float32 tensors): betas from the schedule,
 * alphas = 1 - betas, cumulative product. Values are rounded to float32 like torch stores them.
 */
export function alphasCumprod(schedule: BetaSchedule): Float32Array {
  const n = schedule.numTrainTimesteps;
  let betas: number[];
  if (schedule.trainedBetas) {
    betas = [...schedule.trainedBetas];
  } else if (schedule.betaSchedule === 'linear') {
    betas = linspace(schedule.betaStart, schedule.betaEnd, n);
  } else if (schedule.betaSchedule === 'scaled_linear') {
    // "Very specific to the latent diffusion model": linear in sqrt(beta), then squared.
    betas = linspace(Math.sqrt(schedule.betaStart), Math.sqrt(schedule.betaEnd), n).map((b) =>
      Math.fround(b * b),
    );
  } else {
    throw new Error(`unsupported beta_schedule: ${schedule.betaSchedule}`);
  }
  const out = new Float32Array(betas.length);
  let product = 1; // torch's CPU cumprod accumulates in double and stores float32
  betas.forEach((beta, i) => {
    product *= Math.fround(1 - beta);
    out[i] = product;
  });
  return out;
}

export function predictionType(value: string | undefined): PredictionType {
  const type = value ?? 'epsilon';
  if (type !== 'epsilon' && type !== 'v_prediction')
    throw new Error(`unsupported prediction_type: ${type}`);
  return type;
}

const cumprods = new Map<string, Float32Array>();

/**
 * alphasCumprod, computed once per schedule and shared: a scheduler is created per image, and
 * the 1000-entry table (float32 rounding per entry) was a third of a millisecond each time.
 * Callers must not write into the returned array.
 */
export function sharedAlphasCumprod(schedule: BetaSchedule): Float32Array {
  const key = JSON.stringify([
    schedule.numTrainTimesteps,
    schedule.betaStart,
    schedule.betaEnd,
    schedule.betaSchedule,
    schedule.trainedBetas ?? null,
  ]);
  let table = cumprods.get(key);
  if (!table) {
    table = alphasCumprod(schedule);
    if (cumprods.size >= 32) cumprods.clear(); // a handful of schedules in practice
    cumprods.set(key, table);
  }
  return table;
}

/** Elementwise a*x + b*y into a new Float32Array (the one operation both schedulers need). */
export function axpby(
  a: number,
  x: Float32Array,
  b: number,
  y: Float32Array,
): Float32Array<ArrayBuffer> {
  if (x.length !== y.length) throw new Error(`length mismatch: ${x.length} vs ${y.length}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i] + b * y[i];
  return out;
}
