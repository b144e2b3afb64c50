import { LcmScheduler } from './lcm';
import type { SchedulerConfig } from './scheduler';

/** An LCM scheduler_config.json (e.g. LCM-distilled SD 1.5); the rest are diffusers defaults. */
const LCM: SchedulerConfig = {
  _class_name: 'LCMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  original_inference_steps: 50,
  prediction_type: 'epsilon',
  set_alpha_to_one: true,
  steps_offset: 1,
  timestep_scaling: 10,
};

/** ᾱ_t in float64 from betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2. */
const ALPHAS: number[] = (() => {
  let product = 1;
  const [a, b] = [Math.sqrt(0.00085), Math.sqrt(0.012)];
  return Array.from({ length: 1000 }, (_, i) => (product *= 1 - (a + ((b - a) * i) / 999) ** 2));
})();

function expectClose(actual: number, expected: number, rel = 1e-4): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

/** c_skip, c_out at timestep t: sigma_data = 0.5, scaled t = 10 t. */
function boundary(t: number): [number, number] {
  const s = 10 * t;
  return [0.25 / (s * s + 0.25), s / Math.sqrt(s * s + 0.25)];
}

function scheduler(steps: number): LcmScheduler {
  const s = new LcmScheduler(LCM);
  s.setTimesteps(steps);
  return s;
}

describe('LcmScheduler', () => {
  it.each([
    // origin = [999, 979, ..., 19] (k = 1000/50 = 20); picks floor(i * 50/steps).
    [1, [999]],
    [2, [999, 499]], // indices 0, 25
    [4, [999, 759, 499, 259]], // indices floor(0, 12.5, 25, 37.5) = 0, 12, 25, 37 → 999 - 20·i
    [8, [999, 879, 759, 639, 499, 379, 259, 139]], // stride 6.25 → 0, 6, 12, 18, 25, 31, 37, 43
  ])('%i step(s) from 50 original steps → %j', (steps, expected) => {
    expect(scheduler(steps).timesteps).toEqual(expected);
  });

  it('does not scale the noise or the model input', () => {
    const s = scheduler(4);
    expect(s.initNoiseSigma).toBe(1);
    const x = Float32Array.from([1, 2]);
    expect(s.scaleModelInput(x, 0)).toEqual(x);
  });

  it('re-noises the denoised sample between steps', () => {
    const s = scheduler(4);
    const [x, eps, z] = [0.8, 0.3, -1.5];
    const out = s.step(Float32Array.from([eps]), 0, Float32Array.from([x]), () =>
      Float32Array.from([z]),
    );
    const a = ALPHAS[999];
    const x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
    const [cSkip, cOut] = boundary(999);
    const denoised = cOut * x0 + cSkip * x;
    const next = ALPHAS[759];
    expectClose(out[0], Math.sqrt(next) * denoised + Math.sqrt(1 - next) * z);
  });

  it('returns the denoised sample without noise on the last step', () => {
    const s = scheduler(4);
    const x = [0.8, -0.4];
    const eps = [0.3, 0.1];
    const out = s.step(Float32Array.from(eps), 3, Float32Array.from(x), () => {
      throw new Error('the last LCM step must not draw noise');
    });
    const a = ALPHAS[259];
    const [cSkip, cOut] = boundary(259);
    x.forEach((xi, i) => {
      const x0 = (xi - Math.sqrt(1 - a) * eps[i]) / Math.sqrt(a);
      expectClose(out[i], cOut * x0 + cSkip * xi);
    });
  });

  it('refuses more steps than the distillation schedule has', () => {
    expect(() => scheduler(51)).toThrow(/steps/);
  });
});
