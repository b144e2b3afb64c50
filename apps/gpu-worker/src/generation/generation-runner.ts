import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import {
  type GenerationFinishedMessage,
  type GenerationJob,
  GenerationErrorCodes,
  type Tier,
} from '@pingvas/contracts';
import { GenerationChannel, reconnectDelay } from '@pingvas/messaging';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import type { GpuWorkerConfig } from '../config';
import { InferenceRuntime } from '../inference/inference-runtime';
import { WorkerMetrics } from '../worker-metrics';
import { GenerationReports } from './generation-reports';
import { LiveProgress, type Progress } from './live-progress';
import { storeImages } from './stored-images';

/** What running a job needs of the BullMQ job it was handed (locked under a token). */
export interface TakenJob {
  readonly data: GenerationJob;
  readonly timestamp: number;
  readonly attemptsStarted: number;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number };
  extendLock(token: string, duration: number): Promise<unknown>;
  updateProgress(progress: Progress): Promise<void>;
  moveToCompleted(result: { outcome: string }, token: string, fetchNext: boolean): Promise<unknown>;
  moveToFailed(error: Error, token: string, fetchNext: boolean): Promise<unknown>;
}

/** The collaborators of a run, each narrowed to what it uses (so a test can fake it). */
export type ImageGenerator = Pick<InferenceRuntime, 'generate'>;
export type LiveEvents = Pick<GenerationChannel, 'publish' | 'cancelRequested'>;
export type ResultReports = Pick<GenerationReports, 'started' | 'finished'>;
export type JobMetrics = Pick<WorkerMetrics, 'jobStarted' | 'jobEnded'>;
export type RunnerConfig = Pick<GpuWorkerConfig, 'worker'>;

interface Running {
  job: TakenJob;
  step: number;
  /** Set by a cancel request: the step running when it arrived. */
  canceledAtStep?: number;
}

class Abandoned extends Error {}

/**
 * One job from take to report: its lock kept, the cancel flag read, `generation.started`, the
 * inference run with its progress and previews on the live channel, the images stored, then
 * `generation.finished` (or, after its last attempt, a failure) and the job completed.
 */
@Injectable()
export class GenerationRunner {
  private readonly logger = new Logger(GenerationRunner.name);
  private readonly running = new Map<string, Running>();
  private abandoning = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RunnerConfig,
    @Inject(InferenceRuntime) private readonly runtime: ImageGenerator,
    @Inject(GenerationChannel) private readonly live: LiveEvents,
    @Inject(GenerationReports) private readonly reports: ResultReports,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(WorkerMetrics) private readonly metrics: JobMetrics,
  ) {}

  /** Jobs running now. */
  get size(): number {
    return this.running.size;
  }

  /** A cancel request: the job stops at its next step, if it runs here. */
  cancel(generationId: string): void {
    const run = this.running.get(generationId);
    if (run && run.canceledAtStep === undefined) run.canceledAtStep = run.step;
  }

  /** Shutdown grace ran out: running jobs stop at their next step, unreported, to be retried. */
  abandon(): void {
    this.abandoning = true;
  }

  async run(tier: Tier, job: TakenJob, token: string): Promise<void> {
    const data = job.data;
    const id = data.generationId;
    const startedAt = new Date();
    const run: Running = { job, step: 0 };
    this.running.set(id, run);
    const { lockMs } = this.config.worker;
    const lock = setInterval(
      () =>
        void job.extendLock(token, lockMs).catch((err: unknown) => {
          this.logger.warn({ generationId: id, err: String(err) }, 'lock not extended');
        }),
      Math.max(100, Math.floor(lockMs / 2)),
    );
    this.metrics.jobStarted(tier, job.timestamp, startedAt);
    const attempt = job.attemptsStarted || 1;
    const log = { generationId: id, tier, attempt, requestId: data.requestId };
    try {
      if (await this.cancelFlag(id)) run.canceledAtStep = 0;
      await this.reports.started({
        generationId: id,
        attempt,
        startedAt: startedAt.toISOString(),
        workerId: this.config.worker.id,
      });
      void this.live.publish({
        generationId: id,
        type: 'started',
        data: { startedAt: startedAt.toISOString(), attempt },
      });
      this.logger.log(log, 'job started');

      const finished = await this.generate(data, run, startedAt);
      await this.reports.finished(finished);
      clearInterval(lock);
      await job.moveToCompleted({ outcome: finished.outcome }, token, false);
      this.metrics.jobEnded(tier, startedAt, finished.outcome);
      this.logger.log(
        { ...log, outcome: finished.outcome, stepsRun: finished.stepsRun },
        'job ended',
      );
    } catch (err) {
      clearInterval(lock);
      if (err instanceof Abandoned) {
        // Shutdown grace ran out: the lock lapses and BullMQ's stalled check retries the job.
        this.logger.warn(log, 'job abandoned at shutdown; it will be retried');
        return;
      }
      await this.failed(tier, run, token, startedAt, err, log);
    } finally {
      clearInterval(lock);
      this.running.delete(id);
    }
  }

  /**
   * Whether a cancel was asked before the job was taken. The live channel fails fast while
   * Redis is away; the job waits for it instead (as its own BullMQ commands do), not failing.
   */
  private async cancelFlag(generationId: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.live.cancelRequested(generationId);
      } catch (err) {
        if (this.abandoning) throw new Abandoned();
        this.logger.warn({ generationId, err: String(err) }, 'cancel flag not read yet');
        await delay(reconnectDelay(attempt));
      }
    }
  }

  private async generate(
    data: GenerationJob,
    run: Running,
    startedAt: Date,
  ): Promise<GenerationFinishedMessage> {
    const id = data.generationId;
    const base = {
      generationId: id,
      startedAt: startedAt.toISOString(),
      workerId: this.config.worker.id,
    };
    if (run.canceledAtStep !== undefined) {
      return {
        ...base,
        outcome: 'canceled',
        images: [],
        stepsRun: 0,
        finishedAt: new Date().toISOString(),
        cancel: { heardAtStep: 0, stoppedAtStep: 0 },
      };
    }
    const { params } = data;
    const total = params.steps * params.count;
    const pace = new LiveProgress(this.config.worker);
    const result = await this.runtime.generate(
      data.model,
      {
        prompt: data.prompt,
        negativePrompt: data.negativePrompt ?? undefined,
        width: params.width,
        height: params.height,
        steps: params.steps,
        guidanceScale: params.guidanceScale,
        seed: params.seed,
        count: params.count,
        scheduler: params.scheduler,
      },
      {
        onProgress: ({ image, step, preview }) => {
          run.step = image * params.steps + step;
          const progress = { step: run.step, steps: total };
          const event = pace.next(progress, image, preview);
          if (!event) return;
          void run.job.updateProgress(progress).catch(() => undefined);
          void this.live.publish({ generationId: id, type: 'progress', data: event });
        },
        shouldCancel: () => this.abandoning || run.canceledAtStep !== undefined,
      },
    );
    if (this.abandoning) throw new Abandoned();
    if (result.canceled) {
      return {
        ...base,
        outcome: 'canceled',
        images: [],
        stepsRun: result.timings.stepsRun,
        provider: result.provider,
        finishedAt: new Date().toISOString(),
        cancel: { heardAtStep: run.canceledAtStep ?? 0, stoppedAtStep: run.step },
      };
    }
    return {
      ...base,
      outcome: 'succeeded',
      images: await storeImages(this.storage, data, result.images),
      stepsRun: result.timings.stepsRun,
      provider: result.provider,
      finishedAt: new Date().toISOString(),
    };
  }

  /** A thrown job is tried again once; after the last attempt its failure is reported. */
  private async failed(
    tier: Tier,
    run: Running,
    token: string,
    startedAt: Date,
    err: unknown,
    log: Record<string, unknown>,
  ): Promise<void> {
    const { job } = run;
    const error = err instanceof Error ? err : new Error(String(err));
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    this.logger.error({ ...log, err: error.message, last }, 'job failed');
    try {
      if (last) {
        await this.reports.finished({
          generationId: job.data.generationId,
          outcome: 'failed',
          images: [],
          stepsRun: run.step,
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          workerId: this.config.worker.id,
          error: {
            code: errorCode(error) ?? GenerationErrorCodes.inference,
            message: error.message.split('\n')[0].slice(0, 500),
          },
        });
        this.metrics.jobEnded(tier, startedAt, 'failed');
      }
      await job.moveToFailed(error, token, false);
    } catch (reportErr) {
      // Redis is away: the lock lapses and the stalled check hands the job out again.
      this.logger.error({ ...log, err: String(reportErr) }, 'could not record the failure');
    }
  }
}

/** The code a thrown error carries (a storage failure's, or a system error's such as ENOENT). */
function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
