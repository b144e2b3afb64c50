import { Injectable } from '@nestjs/common';
import { DEFAULT_QUEUE_WEIGHTS, RpcPatterns, type Tier, TIERS } from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { GenerationsRepository } from './generations.repository';
import { TierQueues } from './tier-queues';

@Injectable()
export class QueueInfo {
  constructor(
    private readonly queues: TierQueues,
    private readonly repo: GenerationsRepository,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Depth per tier, the caller's own jobs, and a wait estimate for a job the caller submits
   * now: the jobs ahead in its tier, served at its share of the workers (its weight over the
   * weights of the tiers with work), at the recent mean run time.
   */
  async forUser(userId: string) {
    const [counts, workers, plan, weights, inFlight, runSeconds] = await Promise.all([
      this.queues.counts(),
      this.queues.workers(),
      this.rpc.send(RpcPatterns.payment.plansForUser, { userId }),
      this.rpc
        .send(RpcPatterns.payment.plansQueueWeights, {})
        .catch(() => ({}) as Partial<Record<Tier, number>>),
      this.repo.countInFlight(userId),
      this.repo.recentRunSeconds(),
    ]);
    const weight = (tier: Tier) => weights[tier] ?? DEFAULT_QUEUE_WEIGHTS[tier];
    const waiting = (tier: Tier) => counts[tier].waiting + counts[tier].prioritized;
    const busyWeights = TIERS.filter((t) => t === plan.tier || waiting(t) > 0).reduce(
      (sum, t) => sum + weight(t),
      0,
    );
    const share = weight(plan.tier) / busyWeights;
    const estimatedWaitSeconds =
      runSeconds === null || workers === 0
        ? null
        : Math.round(((waiting(plan.tier) / share) * runSeconds) / workers);
    return {
      tiers: Object.fromEntries(
        TIERS.map((t) => [
          t,
          { waiting: waiting(t), running: counts[t].active, weight: weight(t) },
        ]),
      ),
      workers,
      yours: {
        tier: plan.tier,
        inFlight,
        maxJobsInFlight: plan.limits.maxJobsInFlight,
        estimatedWaitSeconds,
      },
    };
  }
}
