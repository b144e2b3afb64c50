import { Injectable } from '@nestjs/common';
import { MetricsRegistry, ServiceMetrics } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import type { ProviderName } from '@pingvas/inference';

const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Labels of one inference run: the model's name and the execution provider it ran on. */
export interface InferenceLabels {
  model: string;
  provider: ProviderName;
}

export type JobOutcome = 'succeeded' | 'failed' | 'canceled';

/** The worker's figures: jobs by tier (wait, time spent, outcome) and inference by model. */
@Injectable()
export class WorkerMetrics extends ServiceMetrics {
  private readonly wait = this.histogram<'tier'>({
    name: 'generation_wait_seconds',
    help: 'Time from a job being queued to a worker starting it, by tier',
    labelNames: ['tier'],
    buckets: JOB_BUCKETS,
  });
  private readonly duration = this.histogram<'tier'>({
    name: 'generation_duration_seconds',
    help: 'Time a worker spent on a job (start to report), by tier',
    labelNames: ['tier'],
    buckets: JOB_BUCKETS,
  });
  private readonly outcomes = this.counter<'tier' | 'outcome'>({
    name: 'generation_jobs_total',
    help: 'Jobs this worker ended, by tier and outcome',
    labelNames: ['tier', 'outcome'],
  });
  private readonly inferenceDuration = this.histogram<'model' | 'provider'>({
    name: 'inference_duration_seconds',
    help: 'Wall time of one generation (all its images) by model and execution provider',
    labelNames: ['model', 'provider'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  });
  private readonly inferenceSteps = this.counter<'model' | 'provider'>({
    name: 'inference_steps_total',
    help: 'UNet steps run, by model and execution provider',
    labelNames: ['model', 'provider'],
  });
  private readonly provider = this.gauge<'provider'>({
    name: 'inference_execution_provider',
    help: 'The ONNX Runtime execution provider this worker runs on (1 for the one in use)',
    labelNames: ['provider'],
  });

  constructor(metrics: MetricsRegistry) {
    super(metrics);
  }

  jobStarted(tier: Tier, queuedAt: number, startedAt: Date): void {
    this.wait.observe({ tier }, Math.max(0, startedAt.getTime() - queuedAt) / 1000);
  }

  /** Counted once the finished report is queued (the job's outcome is then on record). */
  jobEnded(tier: Tier, startedAt: Date, outcome: JobOutcome): void {
    this.duration.observe({ tier }, (Date.now() - startedAt.getTime()) / 1000);
    this.outcomes.inc({ tier, outcome });
  }

  /** Starts timing one inference run; the returned function stops the timer. */
  inferenceStarted(labels: InferenceLabels): () => void {
    const stop = this.inferenceDuration.startTimer({ ...labels });
    return () => void stop();
  }

  stepsRun(labels: InferenceLabels, steps: number): void {
    this.inferenceSteps.inc({ ...labels }, steps);
  }

  executionProvider(provider: ProviderName): void {
    this.provider.set({ provider }, 1);
  }
}
