import {
  predictionType,
  type PredictionType,
  type Scheduler,
  type SchedulerConfig,
  sharedAlphasCumprod,
} from './scheduler';

/** Training sigmas and the constructor's full-length schedule, per config (pure, shared). */
const tables = new Map<
  string,
  { trainSigmas: Float32Array; timesteps: number[]; sigmas: Float32Array<ArrayBuffer> }
>();

/** numpy's round(): half to even, so 812.5 → 812 (Math.round would give 813). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy.arange(start, stop, step) for floats: length ceil((stop-start)/step), then start + i*delta. */
function arange(start: number, stop: number, step: number): number[] {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start; // numpy fills from its first two values
  return Array.from({ length }, (_, i) => (i === 1 ? start + step : start + i * delta));
}

/** numpy.linspace(start, stop, n) (float64; the last value is exactly `stop`). */
function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : i * step + start));
}

/** numpy.interp(x, [0, 1, ..., n-1], values). */
function interpAtIndex(x: number, values: ArrayLike<number>): number {
  const last = values.length - 1;
  if (x <= 0) return values[0];
  if (x >= last) return values[last];
  const j = Math.floor(x);
  if (j === x) return values[j];
  return (values[j + 1] - values[j]) * (x - j) + values[j];
}

/**
 * diffusers' EulerDiscreteScheduler with s_churn = 0 (deterministic), "linear" sigma
 * interpolation and a final sigma of 0: the scheduler SD-Turbo ships.
 */
export class EulerDiscreteScheduler implements Scheduler {
  private readonly numTrainTimesteps: number;
  private readonly spacing: string;
  private readonly stepsOffset: number;
  private readonly prediction: PredictionType;
  /** sigma of every training timestep, sqrt((1 - ᾱ) / ᾱ), float32 like diffusers. */
  private readonly trainSigmas: Float32Array;
  private sigmaList = new Float32Array(0);
  private timestepList: number[] = [];
  denoised: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    // Unsupported options would silently change the images, so refuse them.
    if (config.use_karras_sigmas)
      throw new Error('EulerDiscreteScheduler: use_karras_sigmas is not supported');
    for (const [field, value, expected] of [
      ['interpolation_type', config.interpolation_type, 'linear'],
      ['final_sigmas_type', config.final_sigmas_type, 'zero'],
    ] as const) {
      if (value !== undefined && value !== expected) {
        throw new Error(`EulerDiscreteScheduler: ${field} ${String(value)} is not supported`);
      }
    }
    if (config.rescale_betas_zero_snr)
      throw new Error('EulerDiscreteScheduler: rescale_betas_zero_snr is not supported');
    this.numTrainTimesteps = config.num_train_timesteps ?? 1000;
    this.spacing = config.timestep_spacing ?? 'linspace';
    if (!['linspace', 'leading', 'trailing'].includes(this.spacing)) {
      throw new Error(`EulerDiscreteScheduler: timestep_spacing ${this.spacing} is not supported`);
    }
    this.stepsOffset = config.steps_offset ?? 0;
    this.prediction = predictionType(config.prediction_type);
    const schedule = {
      numTrainTimesteps: this.numTrainTimesteps,
      betaStart: config.beta_start ?? 0.0001,
      betaEnd: config.beta_end ?? 0.02,
      betaSchedule: config.beta_schedule ?? 'linear',
      trainedBetas: config.trained_betas,
    };
    // A scheduler is made per image: the 1000-entry tables are computed once per config.
    const key = JSON.stringify([schedule, this.spacing, this.stepsOffset]);
    const cached = tables.get(key);
    if (cached) {
      this.trainSigmas = cached.trainSigmas;
      this.timestepList = cached.timesteps;
      this.sigmaList = cached.sigmas;
      return;
    }
    const alphas = sharedAlphasCumprod(schedule);
    this.trainSigmas = alphas.map((a) => Math.sqrt(Math.fround(Math.fround(1 - a) / a)));
    this.setTimesteps(this.numTrainTimesteps); // diffusers' constructor does the same
    if (tables.size >= 32) tables.clear();
    tables.set(key, {
      trainSigmas: this.trainSigmas,
      timesteps: this.timestepList,
      sigmas: this.sigmaList,
    });
  }

  get timesteps(): readonly number[] {
    return this.timestepList;
  }

  /** sigma per step, then a final 0 (length = steps + 1). */
  get sigmas(): Float32Array {
    return this.sigmaList;
  }

  get initNoiseSigma(): number {
    let max = 0;
    for (const s of this.sigmaList) max = Math.max(max, s);
    // diffusers: the bare sigma_max for linspace/trailing, sqrt(sigma_max^2 + 1) for leading.
    return this.spacing === 'leading' ? Math.fround(Math.sqrt(max * max + 1)) : max;
  }

  setTimesteps(steps: number): void {
    const n = this.numTrainTimesteps;
    if (!Number.isInteger(steps) || steps < 1 || steps > n) {
      throw new Error(`EulerDiscreteScheduler: steps must be an integer in 1..${n}, got ${steps}`);
    }
    let timesteps: number[];
    if (this.spacing === 'linspace') {
      timesteps = linspace(0, n - 1, steps).reverse();
    } else if (this.spacing === 'leading') {
      const ratio = Math.floor(n / steps);
      timesteps = Array.from(
        { length: steps },
        (_, i) => (steps - 1 - i) * ratio + this.stepsOffset,
      );
    } else {
      timesteps = arange(n, 0, -n / steps).map((t) => roundHalfEven(t) - 1);
    }
    this.timestepList = timesteps.map(Math.fround); // np.float32, as the UNet receives them
    const sigmas = this.timestepList.map((t) => interpAtIndex(t, this.trainSigmas));
    this.sigmaList = Float32Array.from([...sigmas, 0]);
  }

  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    const sigma = this.sigma(stepIndex);
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const out = new Float32Array(sample.length); // a loop: TypedArray#map with a closure is ~10x slower
    for (let i = 0; i < sample.length; i++) out[i] = sample[i] * scale;
    return out;
  }

  step(
    modelOutput: Float32Array,
    stepIndex: number,
    sample: Float32Array,
    _noise: () => Float32Array,
  ): Float32Array<ArrayBuffer> {
    const sigma = this.sigma(stepIndex);
    const dt = this.sigmaList[stepIndex + 1] - sigma;
    if (modelOutput.length !== sample.length)
      throw new Error(`length mismatch: ${sample.length} vs ${modelOutput.length}`);
    // x0 = sample - sigma*eps (epsilon) or c_out*v + c_skip*sample (v_prediction).
    const [a, b] =
      this.prediction === 'epsilon'
        ? [1, -sigma]
        : [1 / (sigma * sigma + 1), -sigma / Math.sqrt(sigma * sigma + 1)];
    // derivative = (x - x0) / sigma; x_next = x + derivative * dt. One pass, two arrays; each
    // intermediate is rounded to float32 as the three separate float32 arrays were.
    const denoised = new Float32Array(sample.length);
    const next = new Float32Array(sample.length);
    const inv = 1 / sigma;
    const f = Math.fround;
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i];
      const x0 = f(a * x + b * modelOutput[i]);
      denoised[i] = x0;
      const derivative = f(inv * x + -inv * x0);
      next[i] = 1 * x + dt * derivative;
    }
    this.denoised = denoised;
    return next;
  }

  private sigma(stepIndex: number): number {
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= this.timestepList.length) {
      throw new Error(
        `EulerDiscreteScheduler: step index ${stepIndex} outside 0..${this.timestepList.length - 1}`,
      );
    }
    return this.sigmaList[stepIndex];
  }
}
