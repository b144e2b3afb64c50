import { Injectable } from '@nestjs/common';
import { MetricsRegistry, ServiceMetrics } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import type { ProviderName } from '@pingvas/inference';
import type { DownloadOutcome } from './models/package-cache';

const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Labels of one inference run: the model's name and the execution provider it ran on. */
export interface InferenceLabels {
  model: string;
  provider: ProviderName;
}

export type JobOutcome = 'succeeded' | 'failed' | 'canceled';

/**
 * The worker's figures: jobs by tier (wait, time spent, outcome), inference by model, and the
 * node-local model package cache (the cache's events).
 */
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

  private readonly cacheBytes = this.gauge({
    name: 'model_cache_bytes',
    help: 'Bytes of model packages in the node-local cache, as this worker last counted them',
  });
  private readonly cacheHits = this.counter({
    name: 'model_cache_hits_total',
    help: 'Stored model packages this worker found already in the node-local cache',
  });
  private readonly cacheMisses = this.counter({
    name: 'model_cache_misses_total',
    help: 'Stored model packages not in the node-local cache when a job needed them',
  });
  private readonly cacheDownloads = this.counter<'outcome'>({
    name: 'model_cache_downloads_total',
    help: 'Model package downloads this worker made into the node cache, by outcome',
    labelNames: ['outcome'],
  });
  private readonly cacheEvictions = this.counter({
    name: 'model_cache_evictions_total',
    help: 'Model packages this worker removed from the node cache to stay under its size',
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

  modelCacheHit(): void {
    this.cacheHits.inc();
  }

  modelCacheMiss(): void {
    this.cacheMisses.inc();
  }

  modelDownloaded(outcome: DownloadOutcome): void {
    this.cacheDownloads.inc({ outcome });
  }

  modelEvicted(): void {
    this.cacheEvictions.inc();
  }

  modelCacheBytes(total: number): void {
    this.cacheBytes.set(total);
  }
}
