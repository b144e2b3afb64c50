import { setImmediate as nextTurn } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { type GenerationJob, type Tier, TIERS } from '@pingvas/contracts';
import type { TakenJob } from '../generation/generation-runner';
import {
  type DispatcherConfig,
  type JobRunner,
  type JobSources,
  TierDispatcher,
  type WakeUps,
} from './tier-dispatcher';

const CONFIG: DispatcherConfig = {
  worker: {
    id: 'worker-1',
    concurrency: 1,
    shutdownGraceMs: 1000,
    lockMs: 30_000,
    stalledIntervalMs: 30_000,
    // Long: a test that sees a job taken at once saw a wake-up, not a poll.
    pollMs: 60_000,
    weightsRefreshMs: 60_000,
    progressIntervalMs: 250,
    previewIntervalMs: 0,
  },
};

/** A queued job as the dispatcher hands it on; the runner under these tests never touches it. */
class QueuedJob implements TakenJob {
  readonly timestamp = Date.now();
  readonly attemptsStarted = 0;
  readonly attemptsMade = 0;
  readonly opts = {};

  constructor(readonly data: GenerationJob) {}

  async extendLock(): Promise<number> {
    return 1;
  }
  async updateProgress(): Promise<void> {}
  async moveToCompleted(): Promise<void> {}
  async moveToFailed(): Promise<void> {}
}

const job = (tier: Tier, n: number) =>
  new QueuedJob({
    generationId: `${tier}-${n}`,
    userId: 'user-1',
    tier,
    model: { id: 'model-1', name: 'tiny-sd', path: 'tiny-sd' },
    prompt: `${tier} ${n}`,
    negativePrompt: null,
    params: {
      width: 64,
      height: 64,
      steps: 1,
      guidanceScale: 1,
      seed: 0,
      count: 1,
      scheduler: 'euler',
    },
  });

class QueuedSources implements JobSources {
  readonly queues = new Map<Tier, TakenJob[]>(TIERS.map((tier) => [tier, []]));
  busyCalls = 0;

  constructor(private readonly closed: string[]) {}

  async busy(): Promise<Set<Tier>> {
    this.busyCalls++;
    return new Set(TIERS.filter((tier) => this.queues.get(tier)!.length > 0));
  }
  async take(tier: Tier): Promise<TakenJob | undefined> {
    return this.queues.get(tier)!.shift();
  }
  async startStalledChecks(): Promise<void> {}
  async close(): Promise<void> {
    this.closed.push('tier sources');
  }
}

/** Records the jobs it is given; `hold` keeps each run going until `release`. */
class RecordingRunner implements JobRunner {
  readonly ran: string[] = [];
  readonly canceled: string[] = [];
  size = 0;
  hold = false;
  private releases: (() => void)[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  async run(_tier: Tier, taken: TakenJob): Promise<void> {
    this.ran.push(taken.data.generationId);
    for (const w of this.waiters.filter((w) => this.ran.length >= w.count)) w.resolve();
    if (this.hold) await new Promise<void>((resolve) => this.releases.push(resolve));
  }
  cancel(generationId: string): void {
    this.canceled.push(generationId);
  }
  abandon(): void {}
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
  /** Resolves once `count` jobs have been handed to the runner. */
  handed(count: number): Promise<void> {
    if (this.ran.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

class ListeningChannel implements WakeUps {
  cancelListener?: (generationId: string) => void;
  jobAddedListener?: (queue: string) => void;

  async onCancel(listener: (generationId: string) => void): Promise<unknown> {
    this.cancelListener = listener;
    return undefined;
  }
  async onJobAdded(listener: (queue: string) => void): Promise<unknown> {
    this.jobAddedListener = listener;
    return undefined;
  }
}

function setup() {
  const closed: string[] = [];
  const sources = new QueuedSources(closed);
  const runner = new RecordingRunner();
  const channel = new ListeningChannel();
  const reports = {
    close: async () => {
      closed.push('results queue');
    },
  };
  const sut = new TierDispatcher(
    CONFIG,
    { ready: Promise.resolve() },
    sources,
    runner,
    channel,
    reports,
  );
  return { sut, mocks: { sources, runner, channel, closed } };
}

/** Lets the loop run until its slot is idle (no timer runs in between: each step is a promise). */
async function untilIdle(sources: QueuedSources): Promise<void> {
  while (sources.busyCalls === 0) await nextTurn();
  await nextTurn();
}

describe('TierDispatcher', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('takes queued jobs at the default weights 16:8:4:2:1, every tier within one round of 31', async () => {
    const { sut, mocks } = setup();
    for (const tier of TIERS)
      for (let n = 0; n < 31; n++) mocks.sources.queues.get(tier)!.push(job(tier, n));

    sut.onApplicationBootstrap();
    await mocks.runner.handed(31);
    await sut.beforeApplicationShutdown();

    const round = mocks.runner.ran.slice(0, 31).map((id) => id.split('-')[0]);
    const counts = Object.fromEntries(TIERS.map((t) => [t, round.filter((x) => x === t).length]));
    expect(counts).toEqual({ enterprise: 16, studio: 8, pro: 4, starter: 2, free: 1 });
  });

  it('wakes an idle slot when a job is added, without waiting for the poll', async () => {
    const { sut, mocks } = setup();
    sut.onApplicationBootstrap();
    await untilIdle(mocks.sources);

    mocks.sources.queues.get('pro')!.push(job('pro', 1));
    mocks.channel.jobAddedListener?.('gen-pro');
    await mocks.runner.handed(1);
    await sut.beforeApplicationShutdown();

    expect(mocks.runner.ran).toEqual(['pro-1']);
  });

  it('passes a cancel request on to the runner', async () => {
    const { sut, mocks } = setup();
    sut.onApplicationBootstrap();
    await untilIdle(mocks.sources);

    mocks.channel.cancelListener?.('pro-1');
    await sut.beforeApplicationShutdown();

    expect(mocks.runner.canceled).toEqual(['pro-1']);
  });

  it('on shutdown lets the running job end, takes no other, then closes the tier sources and the results queue', async () => {
    const { sut, mocks } = setup();
    mocks.runner.hold = true;
    mocks.sources.queues.get('free')!.push(job('free', 1), job('free', 2));
    sut.onApplicationBootstrap();
    await mocks.runner.handed(1);

    const stopped = sut.beforeApplicationShutdown();
    expect(mocks.closed).toEqual([]);
    mocks.runner.release();
    await stopped;

    expect(mocks.runner.ran).toEqual(['free-1']);
    expect(mocks.closed).toEqual(['tier sources', 'results queue']);
  });
});
