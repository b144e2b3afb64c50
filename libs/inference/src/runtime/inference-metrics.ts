import { Counter, Histogram, type Registry } from 'prom-client';

/** gpu-worker's inference figures (issue 5): per model and execution provider. */
export class InferenceMetrics {
  readonly duration: Histogram<'model' | 'provider'>;
  readonly steps: Counter<'model' | 'provider'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'inference_duration_seconds',
      help: 'Wall time of one generation (all its images) by model and execution provider',
      labelNames: ['model', 'provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    });
    this.steps = new Counter({
      name: 'inference_steps_total',
      help: 'UNet steps run, by model and execution provider',
      labelNames: ['model', 'provider'],
      registers: [registry],
    });
  }
}
