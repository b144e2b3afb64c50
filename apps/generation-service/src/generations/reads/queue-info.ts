import { Injectable } from '@nestjs/common';
import { DEFAULT_QUEUE_WEIGHTS, RpcPatterns, type Tier, TIERS } from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { type GenerationRow, GenerationsRepository } from '../store/generations.repository';
import { TierQueues } from '../store/tier-queues';

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
      this.repo.inFlightOf(userId),
      this.repo.recentRunSeconds(),
    ]);
    const weight = (tier: Tier) => weights[tier] ?? DEFAULT_QUEUE_WEIGHTS[tier];
    const waiting = (tier: Tier) => counts[tier].waiting + counts[tier].prioritized;
    /** Seconds until `ahead` jobs of `tier` have run, served at the tier's share of the workers. */
    const waitFor = (tier: Tier, ahead: number) => {
      if (runSeconds === null || workers === 0) return null;
      const busyWeights = TIERS.filter((t) => t === tier || waiting(t) > 0).reduce(
        (sum, t) => sum + weight(t),
        0,
      );
      return Math.round(((ahead * busyWeights) / weight(tier)) * (runSeconds / workers));
    };
    const queued = await this.positionsOf(inFlight.filter((g) => g.status === 'queued'));
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
        inFlight: inFlight.length,
        maxJobsInFlight: plan.limits.maxJobsInFlight,
        estimatedWaitSeconds: waitFor(plan.tier, waiting(plan.tier)),
        queued: queued.map(({ id, tier, position }) => ({
          id,
          position,
          estimatedWaitSeconds: waitFor(tier, position - 1),
        })),
      },
    };
  }

  /** The caller's queued jobs that are still in their wait lists, next to run first. */
  private async positionsOf(rows: GenerationRow[]) {
    const byTier = TIERS.map((tier) => [tier, rows.filter((r) => r.tier === tier)] as const);
    const found = await Promise.all(
      byTier
        .filter(([, jobs]) => jobs.length > 0)
        .map(async ([tier, jobs]) => {
          const positions = await this.queues.waitingPositions(
            tier,
            jobs.map((j) => j.id),
          );
          return jobs.flatMap((j) => {
            const position = positions.get(j.id);
            return position === undefined ? [] : [{ id: j.id, tier, position }];
          });
        }),
    );
    return found.flat().sort((a, b) => a.position - b.position);
  }
}
