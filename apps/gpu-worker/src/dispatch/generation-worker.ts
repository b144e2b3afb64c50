import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { APP_CONFIG, MetricsRegistry } from '@pingvas/common';
import {
  DEFAULT_QUEUE_WEIGHTS,
  type GenerationEvent,
  GenerationChannels,
  GenerationErrorCodes,
  type GenerationFinishedMessage,
  type GenerationJob,
  GenerationResultNames,
  type GenerationStartedMessage,
  generationFinishedJobId,
  generationStartedJobId,
  imageStorageKey,
  QueueNames,
  RpcPatterns,
  type StoredImage,
  type Tier,
  TIERS,
} from '@pingvas/contracts';
import { reconnectDelay, redisOptionsFromUrl, RpcClient } from '@pingvas/messaging';
import { type BlobStorage, createBlobStorage } from '@pingvas/storage';
import { type Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { Counter, Histogram } from 'prom-client';
import type { GpuWorkerConfig } from '../config';
import { InferenceRuntime } from '../inference/inference-runtime';
import { TierSources } from './tier-sources';
import { WeightedRoundRobin } from './weighted-round-robin';

/** Reports are retried until generation-service takes them; kept a day so a repeat is dropped. */
const REPORT_OPTIONS = {
  attempts: 25,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

interface Running {
  job: Job<GenerationJob>;
  step: number;
  /** Set by a cancel request: the step running when it arrived. */
  canceledAtStep?: number;
}

class Abandoned extends Error {}

/**
 * The worker's loop. Why manual fetching rather than one BullMQ Worker per queue: five
 * independent Workers would each take jobs as fast as they can, so the order between tiers
 * would follow Redis timing, not the plans. Here one dispatcher decides which tier the next
 * job comes from (smooth weighted round-robin over the tiers that have work: 16:8:4:2:1 under
 * load, everything to whoever waits when others are idle), and BullMQ still does what it is
 * good at: atomic hand-out, locks, retries and the stalled-job check.
 */
@Injectable()
export class GenerationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GenerationWorker.name);
  private readonly sources: TierSources;
  private readonly dispatcher: WeightedRoundRobin<Tier>;
  private readonly results: Queue;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly storage: BlobStorage;
  private readonly running = new Map<string, Running>();
  private readonly wait: Histogram<'tier'>;
  private readonly duration: Histogram<'tier'>;
  private readonly outcomes: Counter<'tier' | 'outcome'>;
  private stopping = false;
  private abandoning = false;
  private wake?: () => void;
  private dispatching: Promise<unknown> = Promise.resolve();
  private loops: Promise<void>[] = [];
  private weightsTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GpuWorkerConfig,
    private readonly runtime: InferenceRuntime,
    metrics: MetricsRegistry,
    @Optional() private readonly rpc?: RpcClient,
  ) {
    const connection = {
      ...redisOptionsFromUrl(config.redis.url),
      maxRetriesPerRequest: null,
      retryStrategy: reconnectDelay,
    };
    const prefix = config.queue.prefix;
    this.sources = new TierSources({
      prefix,
      connection,
      lockMs: config.worker.lockMs,
      stalledIntervalMs: config.worker.stalledIntervalMs,
    });
    this.results = new Queue(QueueNames.generationResults, { prefix, connection });
    this.results.on('error', () => undefined);
    this.redis = new Redis(connection);
    this.subscriber = new Redis(connection);
    for (const r of [this.redis, this.subscriber]) r.on('error', () => undefined);
    this.storage = createBlobStorage(config.storage);
    this.dispatcher = new WeightedRoundRobin(TIERS, { ...DEFAULT_QUEUE_WEIGHTS });
    const registers = [metrics.registry];
    const buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
    this.wait = new Histogram({
      name: 'generation_wait_seconds',
      help: 'Time from a job being queued to a worker starting it, by tier',
      labelNames: ['tier'],
      buckets,
      registers,
    });
    this.duration = new Histogram({
      name: 'generation_duration_seconds',
      help: 'Time a worker spent on a job (start to report), by tier',
      labelNames: ['tier'],
      buckets,
      registers,
    });
    this.outcomes = new Counter({
      name: 'generation_jobs_total',
      help: 'Jobs this worker ended, by tier and outcome',
      labelNames: ['tier', 'outcome'],
      registers,
    });
  }

  onApplicationBootstrap(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    await this.runtime.ready;
    if (this.stopping) return;
    const prefix = this.config.queue.prefix;
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === GenerationChannels.cancel(prefix)) this.onCancel(message);
      else this.wake?.();
    });
    await this.subscriber.subscribe(
      GenerationChannels.cancel(prefix),
      GenerationChannels.jobAdded(prefix),
    );
    await this.refreshWeights();
    this.weightsTimer = setInterval(
      () => void this.refreshWeights(),
      this.config.worker.weightsRefreshMs,
    );
    await this.sources.startStalledChecks();
    this.logger.log(
      `taking jobs from ${TIERS.map((t) => QueueNames.tier(t)).join(', ')} (concurrency ${this.config.worker.concurrency})`,
    );
    for (let slot = 0; slot < this.config.worker.concurrency; slot++) this.loops.push(this.loop());
  }

  private async refreshWeights(): Promise<void> {
    if (!this.rpc) return;
    try {
      const weights = await this.rpc.send(RpcPatterns.payment.plansQueueWeights, {});
      this.dispatcher.setWeights({ ...DEFAULT_QUEUE_WEIGHTS, ...weights });
    } catch (err) {
      this.logger.warn(`tier weights not refreshed (keeping the current ones): ${String(err)}`);
    }
  }

  private onCancel(generationId: string): void {
    const run = this.running.get(generationId);
    if (run && run.canceledAtStep === undefined) run.canceledAtStep = run.step;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let next: { tier: Tier; job: Job<GenerationJob>; token: string } | undefined;
      try {
        next = await this.next();
      } catch (err) {
        this.logger.warn(`could not fetch a job: ${String(err)}`);
      }
      if (next) await this.process(next.tier, next.job, next.token);
      else await this.idle();
    }
  }

  /** One dispatcher decision at a time, even with several slots. */
  private next(): Promise<{ tier: Tier; job: Job<GenerationJob>; token: string } | undefined> {
    const turn = this.dispatching.then(async () => {
      if (this.stopping) return undefined;
      const busy = await this.sources.busy();
      for (;;) {
        const tier = this.dispatcher.pick(busy);
        if (!tier) return undefined;
        const token = `${this.config.worker.id}:${randomUUID()}`;
        const job = await this.sources.take(tier, token);
        if (job) return { tier, job, token };
        busy.delete(tier); // another worker took the last one
      }
    });
    this.dispatching = turn.catch(() => undefined);
    return turn;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.config.worker.pollMs);
      const previous = this.wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        previous?.();
        done();
      };
    });
  }

  private async process(tier: Tier, job: Job<GenerationJob>, token: string): Promise<void> {
    const data = job.data;
    const id = data.generationId;
    const startedAt = new Date();
    const run: Running = { job, step: 0 };
    this.running.set(id, run);
    const lock = setInterval(
      () =>
        void job.extendLock(token, this.config.worker.lockMs).catch((err: unknown) => {
          this.logger.warn({ generationId: id, err: String(err) }, 'lock not extended');
        }),
      Math.max(100, Math.floor(this.config.worker.lockMs / 2)),
    );
    this.wait.observe({ tier }, Math.max(0, startedAt.getTime() - job.timestamp) / 1000);
    const attempt = job.attemptsStarted || 1;
    const log = { generationId: id, tier, attempt, requestId: data.requestId };
    try {
      const flag = await this.redis.get(
        GenerationChannels.cancelFlag(this.config.queue.prefix, id),
      );
      if (flag) run.canceledAtStep = 0;
      await this.report(GenerationResultNames.started, generationStartedJobId(id, attempt), {
        generationId: id,
        attempt,
        startedAt: startedAt.toISOString(),
        workerId: this.config.worker.id,
      } satisfies GenerationStartedMessage);
      this.publish({
        generationId: id,
        type: 'started',
        data: { startedAt: startedAt.toISOString(), attempt },
      });
      this.logger.log(log, 'job started');

      const finished = await this.generate(data, run, startedAt);
      await this.report(GenerationResultNames.finished, generationFinishedJobId(id), finished);
      clearInterval(lock);
      await job.moveToCompleted({ outcome: finished.outcome }, token, false);
      this.finishMetrics(tier, startedAt, finished.outcome);
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
      await this.failed(tier, job, token, startedAt, err, log);
    } finally {
      clearInterval(lock);
      this.running.delete(id);
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
    let lastSent = 0;
    let lastPreview = 0;
    const { previewIntervalMs } = this.config.worker;
    const result = await this.runtime.generate(
      data.model.path,
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
          const now = Date.now();
          if (now - lastSent < this.config.worker.progressIntervalMs) return;
          lastSent = now;
          const progress = { step: run.step, steps: total };
          void run.job.updateProgress(progress).catch(() => undefined);
          // Previews ride the live event only (never the job or the database): a few KB each.
          const withPreview = previewIntervalMs > 0 && now - lastPreview >= previewIntervalMs;
          if (withPreview) lastPreview = now;
          const data = withPreview
            ? {
                ...progress,
                image,
                preview: `data:image/png;base64,${preview().toString('base64')}`,
              }
            : progress;
          this.publish({ generationId: id, type: 'progress', data });
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
    const images: StoredImage[] = [];
    for (const image of result.images) {
      const storageKey = imageStorageKey(data.userId, id, image.index);
      try {
        const info = await this.storage.put(storageKey, image.png);
        images.push({
          index: image.index,
          width: image.width,
          height: image.height,
          seed: image.seed,
          storageKey,
          bytes: info.size,
        });
      } catch (err) {
        throw Object.assign(new Error(`could not store ${storageKey}: ${String(err)}`), {
          code: GenerationErrorCodes.storage,
        });
      }
    }
    return {
      ...base,
      outcome: 'succeeded',
      images,
      stepsRun: result.timings.stepsRun,
      provider: result.provider,
      finishedAt: new Date().toISOString(),
    };
  }

  /** A thrown job is tried again once; after the last attempt its failure is reported. */
  private async failed(
    tier: Tier,
    job: Job<GenerationJob>,
    token: string,
    startedAt: Date,
    err: unknown,
    log: Record<string, unknown>,
  ): Promise<void> {
    const error = err instanceof Error ? err : new Error(String(err));
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    this.logger.error({ ...log, err: error.message, last }, 'job failed');
    try {
      if (last) {
        await this.report(
          GenerationResultNames.finished,
          generationFinishedJobId(job.data.generationId),
          {
            generationId: job.data.generationId,
            outcome: 'failed',
            images: [],
            stepsRun: this.running.get(job.data.generationId)?.step ?? 0,
            startedAt: startedAt.toISOString(),
            finishedAt: new Date().toISOString(),
            workerId: this.config.worker.id,
            error: {
              code: (error as { code?: string }).code ?? GenerationErrorCodes.inference,
              message: error.message.split('\n')[0].slice(0, 500),
            },
          } satisfies GenerationFinishedMessage,
        );
        this.finishMetrics(tier, startedAt, 'failed');
      }
      await job.moveToFailed(error, token, false);
    } catch (reportErr) {
      // Redis is away: the lock lapses and the stalled check hands the job out again.
      this.logger.error({ ...log, err: String(reportErr) }, 'could not record the failure');
    }
  }

  private finishMetrics(tier: Tier, startedAt: Date, outcome: string): void {
    this.duration.observe({ tier }, (Date.now() - startedAt.getTime()) / 1000);
    this.outcomes.inc({ tier, outcome });
  }

  private async report(name: string, jobId: string, data: object): Promise<void> {
    await this.results.add(name, data, { ...REPORT_OPTIONS, jobId });
  }

  private publish(event: GenerationEvent): void {
    void this.redis
      .publish(GenerationChannels.events(this.config.queue.prefix), JSON.stringify(event))
      .catch(() => undefined);
  }

  /**
   * SIGTERM: take no more jobs; let running ones finish within the grace time; past it, stop
   * them at their next step without a report, so their locks lapse and they are retried.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    clearInterval(this.weightsTimer);
    const grace = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), this.config.worker.shutdownGraceMs).unref(),
    );
    if ((await Promise.race([Promise.all(this.loops), grace])) === 'late') {
      this.logger.warn(
        `${this.running.size} job(s) still running after the grace time; abandoning`,
      );
      this.abandoning = true;
      await Promise.all(this.loops);
    }
    await this.sources.close();
    await this.results.close();
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}
