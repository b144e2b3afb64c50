import {
  axpby,
  predictionType,
  type PredictionType,
  type Scheduler,
  type SchedulerConfig,
  sharedAlphasCumprod,
} from './scheduler';

/** Boundary-condition sigma_data of the consistency model (diffusers hard-codes 0.5). */
const SIGMA_DATA = 0.5;

/**
 * diffusers' LCMScheduler: each step predicts x0, applies the consistency boundary conditions
 * (c_skip, c_out), then re-noises to the next timestep with fresh noise — except the last step,
 * which returns the denoised sample itself.
 */
export class LcmScheduler implements Scheduler {
  readonly initNoiseSigma = 1;
  private readonly numTrainTimesteps: number;
  private readonly originalSteps: number;
  private readonly timestepScaling: number;
  private readonly prediction: PredictionType;
  private readonly alphasCumprod: Float32Array;
  private timestepList: number[] = [];
  denoised: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    if (config.clip_sample || config.thresholding) {
      throw new Error('LcmScheduler: clip_sample and thresholding are not supported');
    }
    if (config.rescale_betas_zero_snr)
      throw new Error('LcmScheduler: rescale_betas_zero_snr is not supported');
    this.numTrainTimesteps = config.num_train_timesteps ?? 1000;
    this.originalSteps = config.original_inference_steps ?? 50;
    if (this.originalSteps > this.numTrainTimesteps) {
      throw new Error(
        `LcmScheduler: original_inference_steps ${this.originalSteps} > ${this.numTrainTimesteps}`,
      );
    }
    this.timestepScaling = config.timestep_scaling ?? 10;
    this.prediction = predictionType(config.prediction_type);
    this.alphasCumprod = sharedAlphasCumprod({
      numTrainTimesteps: this.numTrainTimesteps,
      betaStart: config.beta_start ?? 0.00085,
      betaEnd: config.beta_end ?? 0.012,
      betaSchedule: config.beta_schedule ?? 'scaled_linear',
      trainedBetas: config.trained_betas,
    });
    // set_alpha_to_one only matters for a timestep below 0, which LCM's schedule never reaches.
  }

  get timesteps(): readonly number[] {
    return this.timestepList;
  }

  setTimesteps(steps: number): void {
    if (!Number.isInteger(steps) || steps < 1 || steps > this.originalSteps) {
      throw new Error(
        `LcmScheduler: steps must be an integer in 1..${this.originalSteps}, got ${steps}`,
      );
    }
    // The distillation schedule: k-1, 2k-1, ..., 999 with k = 1000 / original steps (20 for 50).
    const k = Math.floor(this.numTrainTimesteps / this.originalSteps);
    const origin = Array.from(
      { length: this.originalSteps },
      (_, i) => (this.originalSteps - i) * k - 1,
    );
    // floor(np.linspace(0, len, steps, endpoint=False)) = floor(i * (len / steps)), as numpy rounds it.
    const stride = origin.length / steps;
    this.timestepList = Array.from({ length: steps }, (_, i) => origin[Math.floor(i * stride)]);
  }

  scaleModelInput(sample: Float32Array, _stepIndex: number): Float32Array {
    return sample;
  }

  step(
    modelOutput: Float32Array,
    stepIndex: number,
    sample: Float32Array,
    noise: () => Float32Array,
  ): Float32Array<ArrayBuffer> {
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= this.timestepList.length) {
      throw new Error(
        `LcmScheduler: step index ${stepIndex} outside 0..${this.timestepList.length - 1}`,
      );
    }
    const t = this.timestepList[stepIndex];
    const last = stepIndex === this.timestepList.length - 1;
    const alphaT = this.alphasCumprod[t];
    const betaT = 1 - alphaT;

    // x0 from the model output.
    const predicted =
      this.prediction === 'epsilon'
        ? axpby(1 / Math.sqrt(alphaT), sample, -Math.sqrt(betaT) / Math.sqrt(alphaT), modelOutput)
        : axpby(Math.sqrt(alphaT), sample, -Math.sqrt(betaT), modelOutput);

    // Consistency boundary conditions: c_skip → 1, c_out → 0 as t → 0.
    const scaled = t * this.timestepScaling;
    const cSkip = SIGMA_DATA ** 2 / (scaled ** 2 + SIGMA_DATA ** 2);
    const cOut = scaled / Math.sqrt(scaled ** 2 + SIGMA_DATA ** 2);
    const denoised = axpby(cOut, predicted, cSkip, sample);
    this.denoised = denoised;
    if (last) return denoised;

    // Re-noise the estimate to the next timestep.
    const alphaPrev = this.alphasCumprod[this.timestepList[stepIndex + 1]];
    const fresh = noise();
    if (fresh.length !== sample.length) {
      throw new Error(`LcmScheduler: noise has ${fresh.length} values, sample ${sample.length}`);
    }
    return axpby(Math.sqrt(alphaPrev), denoised, Math.sqrt(1 - alphaPrev), fresh);
  }
}
