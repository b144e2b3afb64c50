import { EulerDiscreteScheduler } from './euler-discrete';
import type { SchedulerConfig } from './scheduler';
import { SD_TURBO_SCHEDULER_CONFIG } from './sd-turbo';

const SD_TURBO = SD_TURBO_SCHEDULER_CONFIG;

/**
 * Expected sigmas from the paper formulas in float64, independent of the implementation:
 * betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2, ᾱ_t = Π(1 - β), σ_t = sqrt((1 - ᾱ_t) / ᾱ_t).
 */
function referenceSigmas(betas: (i: number) => number, n = 1000): number[] {
  let product = 1;
  return Array.from({ length: n }, (_, i) => {
    product *= 1 - betas(i);
    return Math.sqrt((1 - product) / product);
  });
}
const lerp = (a: number, b: number, i: number, n: number): number => a + ((b - a) * i) / (n - 1);
const SCALED = referenceSigmas((i) => lerp(Math.sqrt(0.00085), Math.sqrt(0.012), i, 1000) ** 2);

/** Relative closeness: diffusers works in float32, the reference in float64. */
function expectClose(actual: number, expected: number, rel = 1e-4): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

function scheduler(steps: number, config: SchedulerConfig = SD_TURBO): EulerDiscreteScheduler {
  const s = new EulerDiscreteScheduler(config);
  s.setTimesteps(steps);
  return s;
}

describe('EulerDiscreteScheduler (SD-Turbo config)', () => {
  it.each([
    // trailing: round(arange(1000, 0, -1000/steps)) - 1
    [1, [999]],
    [2, [999, 499]],
    [4, [999, 749, 499, 249]],
  ])('%i step(s) → timesteps %j', (steps, expected) => {
    expect(scheduler(steps).timesteps).toEqual(expected);
  });

  it('interpolates sigmas at the timesteps and ends with 0', () => {
    const s = scheduler(4);
    expect(s.sigmas).toHaveLength(5);
    expect(Math.abs(s.sigmas[0] - 14.6146)).toBeLessThan(1e-3); // sigma_max of SD's schedule
    [999, 749, 499, 249].forEach((t, i) => expectClose(s.sigmas[i], SCALED[t]));
    expect(Math.abs(s.sigmas[4])).toBeLessThan(1e-3);
    expect(s.sigmas[4]).toBe(0);
  });

  it('starts from sigma_max for trailing spacing (diffusers returns the bare max)', () => {
    expectClose(scheduler(1).initNoiseSigma, SCALED[999]);
    expectClose(scheduler(4).initNoiseSigma, 14.6146);
  });

  it('rounds trailing timesteps half to even, like numpy', () => {
    // arange(1000, 0, -62.5) = 1000, 937.5, 875, 812.5, ... → 1000, 938, 875, 812, ... → minus 1.
    expect(scheduler(16).timesteps).toEqual([
      999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61,
    ]);
  });

  it('scales the model input by 1/sqrt(sigma^2 + 1)', () => {
    const s = scheduler(2);
    const scaled = s.scaleModelInput(Float32Array.from([2, -4]), 0);
    const k = 1 / Math.sqrt(SCALED[999] ** 2 + 1);
    expectClose(scaled[0], 2 * k);
    expectClose(scaled[1], -4 * k);
  });

  it('takes one Euler step: x + (sigma_next - sigma) * (x - (x - sigma*eps)) / sigma', () => {
    const s = scheduler(2);
    const x = [1, -2];
    const eps = [0.5, 0.25];
    const [sigma, next] = [SCALED[999], SCALED[499]];
    const out = s.step(Float32Array.from(eps), 0, Float32Array.from(x), () => {
      throw new Error('Euler with s_churn = 0 draws no noise');
    });
    x.forEach((xi, i) =>
      expectClose(out[i], xi + ((next - sigma) * (xi - (xi - sigma * eps[i]))) / sigma),
    );
    // The last step goes to sigma = 0: the result is the x0 prediction x - sigma*eps.
    const last = s.step(Float32Array.from(eps), 1, Float32Array.from(x), () => new Float32Array(2));
    x.forEach((xi, i) => expectClose(last[i], xi - next * eps[i]));
  });

  it('supports v_prediction: x0 = x/(sigma^2+1) - sigma*v/sqrt(sigma^2+1)', () => {
    const s = scheduler(1, { ...SD_TURBO, prediction_type: 'v_prediction' });
    const sigma = SCALED[999];
    const [x, v] = [3, -1];
    const out = s.step(
      Float32Array.from([v]),
      0,
      Float32Array.from([x]),
      () => new Float32Array(1),
    );
    const x0 = x / (sigma ** 2 + 1) - (sigma * v) / Math.sqrt(sigma ** 2 + 1);
    expectClose(out[0], x + ((0 - sigma) * (x - x0)) / sigma); // = x0
  });

  it('uses leading spacing with steps_offset and sqrt(sigma_max^2 + 1)', () => {
    // step_ratio = 1000 // 4 = 250: [750, 500, 250, 0] + steps_offset 1.
    const s = scheduler(4, { ...SD_TURBO, timestep_spacing: 'leading' });
    expect(s.timesteps).toEqual([751, 501, 251, 1]);
    expectClose(s.initNoiseSigma, Math.sqrt(SCALED[751] ** 2 + 1));
  });

  it('uses linspace spacing, interpolating between training sigmas', () => {
    // linspace(0, 999, 3) = [0, 499.5, 999], reversed; sigma(499.5) is the mean of sigma(499), sigma(500).
    const s = scheduler(3, { ...SD_TURBO, timestep_spacing: 'linspace' });
    expect(s.timesteps).toEqual([999, 499.5, 0]);
    expectClose(s.sigmas[1], (SCALED[499] + SCALED[500]) / 2);
    expectClose(s.initNoiseSigma, SCALED[999]);
  });

  it('supports the linear beta schedule', () => {
    const linear = referenceSigmas((i) => lerp(0.0001, 0.02, i, 1000));
    const s = scheduler(2, {
      ...SD_TURBO,
      beta_schedule: 'linear',
      beta_start: 0.0001,
      beta_end: 0.02,
    });
    expectClose(s.sigmas[0], linear[999]);
    expectClose(s.sigmas[1], linear[499]);
  });

  it('refuses options it does not implement', () => {
    expect(() => new EulerDiscreteScheduler({ ...SD_TURBO, use_karras_sigmas: true })).toThrow(
      /karras/,
    );
    expect(
      () => new EulerDiscreteScheduler({ ...SD_TURBO, beta_schedule: 'squaredcos_cap_v2' }),
    ).toThrow(/beta_schedule/);
    expect(() => new EulerDiscreteScheduler({ ...SD_TURBO, prediction_type: 'sample' })).toThrow(
      /prediction_type/,
    );
    expect(() => scheduler(0)).toThrow(/steps/);
    expect(() =>
      scheduler(2).step(new Float32Array(1), 2, new Float32Array(1), () => new Float32Array(1)),
    ).toThrow(/step index/);
  });
});
