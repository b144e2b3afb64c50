import { Injectable } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import type { PlanForUser, Tier } from '@pingvas/contracts';
import { SqlRepository, type Tx } from '@pingvas/database';

export interface Plan extends PlanForUser {
  name: string;
  monthlyCredits: number;
  priceCents: number;
}

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  priceCents: number;
}

function toPlan(r: Record<string, unknown>): Plan {
  return {
    planId: String(r.id),
    tier: r.tier as Tier,
    name: String(r.name),
    monthlyCredits: Number(r.monthly_credits),
    priceCents: Number(r.price_cents),
    limits: {
      queueWeight: Number(r.queue_weight),
      maxJobsInFlight: Number(r.max_jobs_in_flight),
      maxSide: Number(r.max_side),
      maxImagesPerGeneration: Number(r.max_images_per_generation),
    },
  };
}

/** Plans and packs are rows (seeded by a migration), read fresh: a change applies at once. */
@Injectable()
export class PlansRepository extends SqlRepository {
  async all(): Promise<Plan[]> {
    return (await this.query(`SELECT * FROM "plans" ORDER BY "sort"`)).map(toPlan);
  }

  async packs(): Promise<CreditPack[]> {
    const rows = await this.query(`SELECT * FROM "credit_packs" ORDER BY "credits"`);
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      credits: Number(r.credits),
      priceCents: Number(r.price_cents),
    }));
  }

  async find(planId: string, tx?: Tx): Promise<Plan | undefined> {
    const [row] = await this.query(`SELECT * FROM "plans" WHERE "id" = $1`, [planId], tx);
    return row ? toPlan(row) : undefined;
  }

  /** The plan of a tier (one each); a new account opens on the free one. */
  async ofTier(tier: Tier, tx?: Tx): Promise<Plan | undefined> {
    const [row] = await this.query(`SELECT * FROM "plans" WHERE "tier" = $1`, [tier], tx);
    return row ? toPlan(row) : undefined;
  }

  async forPlanId(planId: string, tx?: Tx): Promise<PlanForUser> {
    const plan = await this.find(planId, tx);
    if (!plan) throw new AppError('NOT_FOUND', `No plan ${planId}`);
    return { planId: plan.planId, tier: plan.tier, limits: plan.limits };
  }
}
