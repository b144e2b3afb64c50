import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { type PlanForUser, type ResolvedModel, RpcPatterns, type Tier } from '@pingvas/contracts';
import { type CatalogueEvent, CatalogueChanges, RpcClient } from '@pingvas/messaging';
import type { GenerationServiceConfig } from '../../config';

/** Users whose plan is kept; past it the oldest entry goes (a Map keeps insertion order). */
const MAX_PLANS = 10_000;
const MAX_MODELS = 1_000;

type Entry<T> = { value: T; until: number };

/**
 * A user's plan and the resolved models, kept between submissions instead of two RPCs each
 * (they change rarely). Dropped when payment-service or model-service announces a change
 * (CatalogueChanges, heard by every replica within milliseconds) and in any case after
 * CATALOGUE_CACHE_TTL_MS: the bound for a change nobody announced (plans edited in SQL, a
 * publish lost while Redis was away at the owner). While the subscription is down nothing
 * is served from or kept in the cache. Errors are never kept.
 */
@Injectable()
export class CatalogueCache implements OnApplicationBootstrap {
  private readonly plans = new Map<string, Entry<PlanForUser>>();
  private readonly models = new Map<string, Entry<ResolvedModel>>();
  /** Bumped by every change: an answer asked for before a change is not kept after it. */
  private epoch = 0;
  private readonly ttlMs: number;

  constructor(
    @Inject(APP_CONFIG) config: Pick<GenerationServiceConfig, 'generation'>,
    @Inject(RpcClient) private readonly rpc: Pick<RpcClient, 'send'>,
    @Inject(CatalogueChanges)
    private readonly changes: Pick<CatalogueChanges, 'listen' | 'following'>,
  ) {
    this.ttlMs = config.generation.catalogueCacheTtlMs;
  }

  onApplicationBootstrap(): void {
    if (this.ttlMs > 0) this.changes.listen((event) => this.forget(event));
  }

  planOf(userId: string): Promise<PlanForUser> {
    return this.cached(this.plans, MAX_PLANS, userId, () =>
      this.rpc.send(RpcPatterns.payment.plansForUser, { userId }),
    );
  }

  /** The model to run (the default when none is named) for a tier, as model-service resolves it. */
  model(modelId: string | undefined, tier: Tier): Promise<ResolvedModel> {
    return this.cached(this.models, MAX_MODELS, `${tier}\n${modelId ?? ''}`, () =>
      this.rpc.send(RpcPatterns.model.modelsResolve, { modelId, tier }),
    );
  }

  private forget(event: CatalogueEvent): void {
    this.epoch += 1;
    if (event.kind === 'plan' && event.userId) this.plans.delete(event.userId);
    else if (event.kind === 'plan') this.plans.clear();
    else if (event.kind === 'model') this.models.clear();
    else {
      this.plans.clear();
      this.models.clear();
    }
  }

  private async cached<T>(
    map: Map<string, Entry<T>>,
    max: number,
    key: string,
    ask: () => Promise<T>,
  ): Promise<T> {
    if (this.ttlMs <= 0 || !this.changes.following) return ask();
    const hit = map.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const epoch = this.epoch;
    const value = await ask();
    if (epoch === this.epoch && this.changes.following) {
      map.delete(key);
      if (map.size >= max) map.delete(map.keys().next().value as string);
      map.set(key, { value, until: Date.now() + this.ttlMs });
    }
    return value;
  }
}
