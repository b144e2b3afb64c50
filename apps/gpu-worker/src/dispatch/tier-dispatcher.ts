import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import {
  DEFAULT_QUEUE_WEIGHTS,
  QueueNames,
  RpcPatterns,
  type Tier,
  TIERS,
} from '@pingvas/contracts';
import { GenerationChannel, RpcClient } from '@pingvas/messaging';
import type { GpuWorkerConfig } from '../config';
import { GenerationReports } from '../generation/generation-reports';
import { GenerationRunner, type TakenJob } from '../generation/generation-runner';
import { InferenceRuntime } from '../inference/inference-runtime';
import { TierSources } from './tier-sources';
import { WeightedRoundRobin } from './weighted-round-robin';

/** The collaborators of the loop, each narrowed to what it uses (so a test can fake it). */
export interface JobSources {
  busy(): Promise<Set<Tier>>;
  take(tier: Tier, token: string): Promise<TakenJob | undefined>;
  startStalledChecks(): Promise<void>;
  close(): Promise<void>;
}
export type JobRunner = Pick<GenerationRunner, 'run' | 'cancel' | 'abandon' | 'size'>;
export type WakeUps = Pick<GenerationChannel, 'onCancel' | 'onJobAdded'>;
export type DispatcherConfig = Pick<GpuWorkerConfig, 'worker'>;

interface Taken {
  tier: Tier;
  job: TakenJob;
  token: string;
}

/**
 * The worker's loop. Why manual fetching rather than one BullMQ Worker per queue: five
 * independent Workers would each take jobs as fast as they can, so the order between tiers
 * would follow Redis timing, not the plans. Here one dispatcher decides which tier the next
 * job comes from (smooth weighted round-robin over the tiers that have work: 16:8:4:2:1 under
 * load, everything to whoever waits when others are idle), and BullMQ still does what it is
 * good at: atomic hand-out, locks, retries and the stalled-job check.
 */
@Injectable()
export class TierDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TierDispatcher.name);
  private readonly order = new WeightedRoundRobin(TIERS, { ...DEFAULT_QUEUE_WEIGHTS });
  private stopping = false;
  private wake?: () => void;
  private dispatching: Promise<unknown> = Promise.resolve();
  private loops: Promise<void>[] = [];
  private weightsTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: DispatcherConfig,
    @Inject(InferenceRuntime) private readonly runtime: Pick<InferenceRuntime, 'ready'>,
    @Inject(TierSources) private readonly sources: JobSources,
    @Inject(GenerationRunner) private readonly runner: JobRunner,
    @Inject(GenerationChannel) private readonly live: WakeUps,
    @Inject(GenerationReports) private readonly reports: Pick<GenerationReports, 'close'>,
    @Optional() private readonly rpc?: RpcClient,
  ) {}

  /** Does not wait: jobs are taken once the runtime's warm-up has run, in the background. */
  onApplicationBootstrap(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    await this.runtime.ready;
    if (this.stopping) return;
    await this.listen();
    if (this.stopping) return;
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

  /** Cancel requests and job-added wake-ups; tried again until Redis answers. */
  private async listen(): Promise<void> {
    while (!this.stopping) {
      try {
        await Promise.all([
          this.live.onCancel((generationId) => this.runner.cancel(generationId)),
          this.live.onJobAdded(() => this.wake?.()),
        ]);
        return;
      } catch (err) {
        this.logger.warn(`live channel not subscribed (trying again): ${String(err)}`);
        await this.idle();
      }
    }
  }

  private async refreshWeights(): Promise<void> {
    if (!this.rpc) return;
    try {
      const weights = await this.rpc.send(RpcPatterns.payment.plansQueueWeights, {});
      this.order.setWeights({ ...DEFAULT_QUEUE_WEIGHTS, ...weights });
    } catch (err) {
      this.logger.warn(`tier weights not refreshed (keeping the current ones): ${String(err)}`);
    }
  }

  /** One slot: take a job and run it, or wait for a wake-up or the poll interval. */
  private async loop(): Promise<void> {
    while (!this.stopping) {
      let next: Taken | undefined;
      try {
        next = await this.next();
      } catch (err) {
        this.logger.warn(`could not fetch a job: ${String(err)}`);
      }
      if (next) await this.runner.run(next.tier, next.job, next.token);
      else await this.idle();
    }
  }

  /** One dispatcher decision at a time, even with several slots. */
  private next(): Promise<Taken | undefined> {
    const turn = this.dispatching.then(async () => {
      if (this.stopping) return undefined;
      const busy = await this.sources.busy();
      for (;;) {
        const tier = this.order.pick(busy);
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

  /**
   * SIGTERM: take no more jobs; let running ones finish within the grace time; past it, stop
   * them at their next step without a report, so their locks lapse and they are retried.
   * Then the tier sources and the results queue close; the live channel's connections close
   * after, at application shutdown.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    clearInterval(this.weightsTimer);
    const grace = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), this.config.worker.shutdownGraceMs).unref(),
    );
    if ((await Promise.race([Promise.all(this.loops), grace])) === 'late') {
      this.logger.warn(`${this.runner.size} job(s) still running after the grace time; abandoning`);
      this.runner.abandon();
      await Promise.all(this.loops);
    }
    await this.sources.close();
    await this.reports.close();
  }
}
