import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type {
  GenerationEvent,
  GenerationFinishedMessage,
  GenerationJob,
  GenerationStartedMessage,
  Tier,
} from '@pingvas/contracts';
import type {
  GenerateHooks,
  GenerateRequest,
  GenerateResult,
  ProviderName,
} from '@pingvas/inference';
import { type BlobInfo, type BlobStorage, BlobNotFoundError } from '@pingvas/storage';
import type { JobOutcome } from '../worker-metrics';
import {
  GenerationRunner,
  type ImageGenerator,
  type JobMetrics,
  type LiveEvents,
  type ResultReports,
  type RunnerConfig,
  type TakenJob,
} from './generation-runner';
import type { Progress } from './live-progress';

const CONFIG: RunnerConfig = {
  worker: {
    id: 'worker-1',
    concurrency: 1,
    shutdownGraceMs: 1000,
    lockMs: 60_000,
    stalledIntervalMs: 30_000,
    pollMs: 1000,
    weightsRefreshMs: 60_000,
    progressIntervalMs: 0,
    previewIntervalMs: 0,
  },
};

const jobData = (steps = 4): GenerationJob => ({
  generationId: 'gen-1',
  userId: 'user-1',
  tier: 'pro',
  model: { id: 'model-1', name: 'tiny-sd', path: 'tiny-sd' },
  prompt: '고양이',
  negativePrompt: null,
  params: { width: 64, height: 64, steps, guidanceScale: 1, seed: 7, count: 1, scheduler: 'euler' },
});

class FakeJob implements TakenJob {
  readonly timestamp = Date.now();
  readonly opts = { attempts: 2 };
  readonly progress: Progress[] = [];
  completed?: { outcome: string };
  failed?: Error;

  constructor(
    readonly data: GenerationJob,
    readonly attemptsMade = 0,
    readonly attemptsStarted = attemptsMade + 1,
  ) {}

  async extendLock(): Promise<number> {
    return 1;
  }
  async updateProgress(progress: Progress): Promise<void> {
    this.progress.push(progress);
  }
  async moveToCompleted(result: { outcome: string }): Promise<void> {
    this.completed = result;
  }
  async moveToFailed(error: Error): Promise<void> {
    this.failed = error;
  }
}

class FakeChannel implements LiveEvents {
  readonly events: GenerationEvent[] = [];
  readonly cancelFlags = new Set<string>();
  /** Reads that fail first, as they do while Redis is away. */
  unavailableReads = 0;

  async publish(event: GenerationEvent): Promise<void> {
    this.events.push(event);
  }
  async cancelRequested(generationId: string): Promise<boolean> {
    if (this.unavailableReads-- > 0) throw new Error('Reached the max retries per request limit');
    return this.cancelFlags.has(generationId);
  }
}

type Report =
  | { name: 'started'; message: GenerationStartedMessage }
  | { name: 'finished'; message: GenerationFinishedMessage };

class FakeReports implements ResultReports {
  readonly sent: Report[] = [];

  async started(message: GenerationStartedMessage): Promise<void> {
    this.sent.push({ name: 'started', message });
  }
  async finished(message: GenerationFinishedMessage): Promise<void> {
    this.sent.push({ name: 'finished', message });
  }
  get final(): GenerationFinishedMessage | undefined {
    const last = this.sent.at(-1);
    return last?.name === 'finished' ? last.message : undefined;
  }
}

/** Runs `steps` steps of one image, asking before each whether to stop, as the pipeline does. */
class FakeRuntime implements ImageGenerator {
  calls = 0;

  constructor(private readonly afterStep: (step: number) => void = () => undefined) {}

  async generate(
    _model: GenerationJob['model'],
    request: GenerateRequest,
    hooks?: GenerateHooks,
  ): Promise<GenerateResult & { provider: ProviderName }> {
    this.calls++;
    let stepsRun = 0;
    const result = (canceled: boolean) => ({
      canceled,
      images: canceled
        ? []
        : [
            {
              index: 0,
              seed: request.seed,
              width: request.width,
              height: request.height,
              png: Buffer.from('png'),
            },
          ],
      timings: { totalMs: 1, sessionMs: 1, stepsRun },
      provider: 'cpu' as const,
    });
    for (let step = 1; step <= request.steps; step++) {
      if (await hooks?.shouldCancel?.()) return result(true);
      stepsRun = step;
      hooks?.onProgress?.({
        image: 0,
        step,
        steps: request.steps,
        stepMs: 1,
        preview: () => Buffer.from('p'),
      });
      this.afterStep(step);
    }
    return result(false);
  }
}

class MemoryStorage implements BlobStorage {
  readonly blobs = new Map<string, Buffer>();
  failWith?: Error;

  async put(key: string, data: Buffer | Readable): Promise<BlobInfo> {
    if (this.failWith) throw this.failWith;
    const buffer = Buffer.isBuffer(data) ? data : Buffer.concat(await data.toArray());
    this.blobs.set(key, buffer);
    return { size: buffer.length, contentType: 'image/png' };
  }
  async stat(key: string): Promise<BlobInfo | null> {
    const blob = this.blobs.get(key);
    return blob ? { size: blob.length, contentType: 'image/png' } : null;
  }
  async read(key: string): Promise<Readable> {
    const blob = this.blobs.get(key);
    if (!blob) throw new BlobNotFoundError(key);
    return Readable.from(blob);
  }
  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }
}

class CountedOutcomes implements JobMetrics {
  readonly ended: [Tier, JobOutcome][] = [];

  jobStarted(): void {}
  jobEnded(tier: Tier, _startedAt: Date, outcome: JobOutcome): void {
    this.ended.push([tier, outcome]);
  }
}

function setup(options: { afterStep?: (runner: GenerationRunner, step: number) => void } = {}) {
  const channel = new FakeChannel();
  const reports = new FakeReports();
  const storage = new MemoryStorage();
  const metrics = new CountedOutcomes();
  // The runtime calls back into the runner under test (a cancel or an abandon mid-run).
  const runtime = new FakeRuntime((step) => options.afterStep?.(sut, step));
  const sut = new GenerationRunner(CONFIG, runtime, channel, reports, storage, metrics);
  return { sut, mocks: { channel, reports, storage, metrics, runtime } };
}

describe('GenerationRunner', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('reports started, then finished with the stored images, and completes the job', async () => {
    const { sut, mocks } = setup();
    const job = new FakeJob(jobData());

    await sut.run('pro', job, 'token-1');

    expect(mocks.reports.sent.map((r) => r.name)).toEqual(['started', 'finished']);
    expect(mocks.reports.sent[0].message).toMatchObject({
      generationId: 'gen-1',
      attempt: 1,
      workerId: 'worker-1',
    });
    expect(mocks.reports.final).toMatchObject({
      outcome: 'succeeded',
      stepsRun: 4,
      provider: 'cpu',
      images: [{ index: 0, storageKey: 'images/user-1/gen-1/0.png', bytes: 3 }],
    });
    expect([...mocks.storage.blobs.keys()]).toEqual(['images/user-1/gen-1/0.png']);
    expect(job.completed).toEqual({ outcome: 'succeeded' });
    expect(mocks.metrics.ended).toEqual([['pro', 'succeeded']]);
    expect(mocks.channel.events.map((e) => e.type)).toEqual([
      'started',
      'progress',
      'progress',
      'progress',
      'progress',
    ]);
    expect(job.progress.at(-1)).toEqual({ step: 4, steps: 4 });
    expect(sut.size).toBe(0);
  });

  it('ends a job whose cancel flag was set before it started as canceled at step 0, without running inference', async () => {
    const { sut, mocks } = setup();
    mocks.channel.cancelFlags.add('gen-1');
    const job = new FakeJob(jobData());

    await sut.run('pro', job, 'token-1');

    expect(mocks.runtime.calls).toBe(0);
    expect(mocks.reports.sent.map((r) => r.name)).toEqual(['started', 'finished']);
    expect(mocks.reports.final).toMatchObject({
      outcome: 'canceled',
      images: [],
      stepsRun: 0,
      cancel: { heardAtStep: 0, stoppedAtStep: 0 },
    });
    expect(job.completed).toEqual({ outcome: 'canceled' });
    expect(mocks.metrics.ended).toEqual([['pro', 'canceled']]);
  });

  it('waits for the cancel flag while Redis is away instead of failing the job', async () => {
    const { sut, mocks } = setup();
    mocks.channel.unavailableReads = 2;
    mocks.channel.cancelFlags.add('gen-1');
    const job = new FakeJob(jobData());

    await sut.run('pro', job, 'token-1');

    expect(job.failed).toBeUndefined();
    expect(mocks.reports.final).toMatchObject({ outcome: 'canceled', stepsRun: 0 });
  });

  it('stops at the next step once a cancel arrives mid-run, and stores no image', async () => {
    const { sut, mocks } = setup({
      afterStep: (runner, step) => step === 2 && runner.cancel('gen-1'),
    });
    const job = new FakeJob(jobData(8));

    await sut.run('pro', job, 'token-1');

    expect(mocks.reports.final).toMatchObject({
      outcome: 'canceled',
      stepsRun: 2,
      cancel: { heardAtStep: 2, stoppedAtStep: 2 },
    });
    expect(mocks.storage.blobs.size).toBe(0);
  });

  it('reports the failure of the last attempt with its error code, and fails the job', async () => {
    const { sut, mocks } = setup();
    mocks.storage.failWith = new Error('disk full');
    const job = new FakeJob(jobData(), 1);

    await sut.run('pro', job, 'token-1');

    expect(mocks.reports.sent.map((r) => r.name)).toEqual(['started', 'finished']);
    expect(mocks.reports.final).toMatchObject({
      outcome: 'failed',
      stepsRun: 4,
      error: { code: 'STORAGE_FAILED', message: expect.stringContaining('disk full') },
    });
    expect(job.failed?.message).toContain('could not store images/user-1/gen-1/0.png');
    expect(mocks.metrics.ended).toEqual([['pro', 'failed']]);
  });

  it('leaves a failed attempt that is not the last to BullMQ, unreported, to be tried again', async () => {
    const { sut, mocks } = setup();
    mocks.storage.failWith = new Error('disk full');
    const job = new FakeJob(jobData(), 0);

    await sut.run('pro', job, 'token-1');

    expect(mocks.reports.sent.map((r) => r.name)).toEqual(['started']);
    expect(job.failed).toBeDefined();
    expect(mocks.metrics.ended).toEqual([]);
  });

  it('abandons a running job at its next step without a finished report', async () => {
    const { sut, mocks } = setup({ afterStep: (runner, step) => step === 1 && runner.abandon() });
    const job = new FakeJob(jobData());

    await sut.run('pro', job, 'token-1');

    expect(mocks.reports.sent.map((r) => r.name)).toEqual(['started']);
    expect(job.completed).toBeUndefined();
    expect(job.failed).toBeUndefined();
  });
});
