import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppError, currentRequestId } from '@pingvas/common';
import {
  type GenerationJob,
  type GenerationStatus,
  type PlanForUser,
  QueueNames,
  type ResolvedModel,
  RpcPatterns,
} from '@pingvas/contracts';
import { GenerationChannel, RpcClient } from '@pingvas/messaging';
import type { GenerationServiceConfig } from '../../config';
import { GenerationFinisher } from '../finish/generation-finisher';
import { GenerationMetrics } from '../generation-metrics';
import { LostGenerations } from '../reconcile/lost-generations';
import {
  type GenerationRow,
  GenerationsRepository,
  type NewGeneration,
} from '../store/generations.repository';
import { TierQueues } from '../store/tier-queues';
import { CatalogueCache } from './catalogue-cache';
import type { CreateGenerationDto } from './generation.dto';
import { generationParams } from './generation-params';

const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * What a submit needs of each collaborator: the module injects the real ones by their class,
 * a unit test small typed fakes.
 */
export type SubmitConfig = {
  generation: Pick<GenerationServiceConfig['generation'], 'holdMinutes'>;
};
export type SubmitStore = Pick<
  GenerationsRepository,
  | 'transaction'
  | 'findByIdempotencyKey'
  | 'lockUser'
  | 'countInFlight'
  | 'insertIfRoom'
  | 'markEnqueued'
>;
export type SubmitRpc = Pick<RpcClient, 'send'>;
export type SubmitCatalogue = Pick<CatalogueCache, 'planOf' | 'model'>;
export type SubmitQueues = Pick<TierQueues, 'add' | 'waitingCount'>;
export type SubmitLive = Pick<GenerationChannel, 'announceJob' | 'publish'>;
export type SubmitRefusals = Pick<GenerationFinisher, 'refuse'>;
export type SubmitMetrics = Pick<GenerationMetrics, 'submittedOne'>;
export type LostSlots = Pick<LostGenerations, 'releaseSlotsOf'>;

export interface SubmitAnswer {
  id: string;
  status: GenerationStatus;
  cost: number;
  queue: string;
  position: number | null;
  createdAt: string;
}

type Stored = { row: GenerationRow } | { earlier: GenerationRow } | { full: number };

/** The price of a job: every image pays its base and every step it runs. */
export function generationCost(model: ResolvedModel, steps: number, count: number): number {
  return count * (model.cost.perImage + model.cost.perStep * steps);
}

/** Same body ⇔ same hash: keys are sorted, absent and undefined fields are the same. */
export function requestHash(body: CreateGenerationDto): string {
  const entries = Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

@Injectable()
export class GenerationsService {
  private readonly logger = new Logger(GenerationsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SubmitConfig,
    @Inject(GenerationsRepository) private readonly repo: SubmitStore,
    @Inject(RpcClient) private readonly rpc: SubmitRpc,
    @Inject(TierQueues) private readonly queues: SubmitQueues,
    @Inject(GenerationChannel) private readonly channel: SubmitLive,
    @Inject(GenerationFinisher) private readonly finisher: SubmitRefusals,
    @Inject(GenerationMetrics) private readonly metrics: SubmitMetrics,
    @Inject(LostGenerations) private readonly lost: LostSlots,
    @Inject(CatalogueCache) private readonly catalogue: SubmitCatalogue,
  ) {}

  async submit(
    userId: string,
    body: CreateGenerationDto,
    idempotencyKey?: string,
  ): Promise<SubmitAnswer> {
    const hash = requestHash(body);
    if (idempotencyKey) {
      const earlier = await this.repo.transaction((tx) =>
        this.repo.findByIdempotencyKey(userId, idempotencyKey, IDEMPOTENCY_WINDOW_HOURS, tx),
      );
      if (earlier) return this.replay(earlier, hash);
    }
    // The board (gallery-service) and the plan, then the model for its tier, at the same time.
    const [{ plan, model }] = await Promise.all([
      this.planAndModel(userId, body.modelId),
      body.boardId ? this.assertBoardOwned(userId, body.boardId) : undefined,
    ]);
    const params = generationParams(body, model, plan);
    const cost = generationCost(model, params.steps, params.count);
    const id = randomUUID();
    const store = () =>
      this.store(userId, plan, idempotencyKey, {
        id,
        userId,
        prompt: body.prompt,
        negativePrompt: body.negativePrompt ?? null,
        modelId: model.id,
        modelName: model.name,
        modelPath: model.path,
        boardId: body.boardId ?? null,
        params,
        tier: plan.tier,
        queue: QueueNames.tier(plan.tier),
        cost,
        idempotencyKey: idempotencyKey ?? null,
        requestHash: hash,
      });
    let created = await store();
    // A job Redis lost must not hold one of the plan's slots until the sweeper's grace ends.
    if ('full' in created) {
      await this.lost.releaseSlotsOf(userId);
      created = await store();
      if ('full' in created) {
        const limit = plan.limits.maxJobsInFlight;
        throw new AppError(
          'TOO_MANY_JOBS',
          `Your plan runs ${limit} generation(s) at a time; wait for one to finish`,
          { inFlight: created.full, limit },
        );
      }
    }
    if ('earlier' in created) return this.replay(created.earlier, hash);
    const { row } = created;

    await this.reserve(row);
    try {
      await this.queues.add(this.jobOf(row));
    } catch (err) {
      this.logger.error({ generationId: id, err: String(err) }, 'could not queue the job');
      await this.failBeforeQueue(row, 'The job queue is unavailable; nothing was charged');
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The job queue is unavailable; try again');
    }
    this.metrics.submittedOne(row.tier);
    void this.channel.announceJob(row.queue);
    void this.channel.publish({ generationId: id, type: 'queued', data: { queue: row.queue } });
    // Best effort and off the answer's path: without the mark, a lost job is still found, only
    // after the sweeper's grace.
    void this.repo
      .markEnqueued(row.id)
      .catch((err: unknown) =>
        this.logger.warn({ generationId: id, err: String(err) }, 'enqueued_at not recorded'),
      );
    const position = await this.queues.waitingCount(row.tier).catch(() => null);
    return this.answer(row, position);
  }

  /**
   * Stores the generation under the user's lock, where the idempotency key and the plan's
   * jobs in flight are checked: `earlier` for a key already used, `full` (the jobs in flight)
   * when no slot is free.
   */
  private store(
    userId: string,
    plan: PlanForUser,
    idempotencyKey: string | undefined,
    generation: NewGeneration,
  ): Promise<Stored> {
    return this.repo.transaction(async (tx) => {
      await this.repo.lockUser(userId, tx);
      if (idempotencyKey) {
        const earlier = await this.repo.findByIdempotencyKey(
          userId,
          idempotencyKey,
          IDEMPOTENCY_WINDOW_HOURS,
          tx,
        );
        if (earlier) return { earlier };
      }
      const row = await this.repo.insertIfRoom(generation, plan.limits.maxJobsInFlight, tx);
      return row ? { row } : { full: await this.repo.countInFlight(userId, tx) };
    });
  }

  /** The caller's plan, then the model for its tier (both usually from the cache). */
  private async planAndModel(userId: string, modelId: string | undefined) {
    const plan = await this.catalogue.planOf(userId);
    return { plan, model: await this.catalogue.model(modelId, plan.tier) };
  }

  /**
   * Boards are gallery-service's: a board the caller does not own (another user's, or none)
   * refuses the job before anything is stored or reserved.
   */
  private async assertBoardOwned(userId: string, boardId: string): Promise<void> {
    const { owned } = await this.rpc.send(RpcPatterns.gallery.boardsOwned, {
      boardId,
      ownerId: userId,
    });
    if (!owned) throw new AppError('BOARD_NOT_FOUND', 'No such board');
  }

  private async reserve(row: GenerationRow): Promise<void> {
    try {
      await this.rpc.send(RpcPatterns.payment.creditsReserve, {
        reservationId: row.id,
        userId: row.userId,
        amount: row.cost,
        reason: `generation ${row.id}`,
        holdMinutes: this.config.generation.holdMinutes,
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'INSUFFICIENT_CREDITS') {
        await this.finisher.refuse(row.id, {
          status: 'rejected',
          settlement: null,
          error: { code: err.code, message: err.message },
          from: ['queued'],
        });
        throw err;
      }
      // The reserve may have landed before the reply was lost: release whatever it held.
      await this.failBeforeQueue(row, 'Credits could not be reserved; nothing was charged');
      throw err;
    }
  }

  private async failBeforeQueue(row: GenerationRow, message: string): Promise<void> {
    await this.finisher.refuse(row.id, {
      status: 'failed',
      settlement: 'release',
      error: { code: 'UPSTREAM_UNAVAILABLE', message },
      from: ['queued'],
    });
  }

  private replay(earlier: GenerationRow, hash: string): SubmitAnswer {
    if (earlier.requestHash !== hash) {
      throw new AppError(
        'IDEMPOTENCY_MISMATCH',
        'This Idempotency-Key was used with a different request',
        { generationId: earlier.id },
      );
    }
    if (earlier.status === 'rejected') {
      throw new AppError(
        (earlier.errorCode as 'INSUFFICIENT_CREDITS' | null) ?? 'INSUFFICIENT_CREDITS',
        earlier.errorMessage ?? 'The generation was rejected',
        { generationId: earlier.id },
      );
    }
    return this.answer(earlier, null);
  }

  private answer(row: GenerationRow, position: number | null): SubmitAnswer {
    return {
      id: row.id,
      status: row.status,
      cost: row.cost,
      queue: row.queue,
      position,
      createdAt: row.createdAt.toISOString(),
    };
  }

  private jobOf(row: GenerationRow): GenerationJob {
    return {
      generationId: row.id,
      userId: row.userId,
      tier: row.tier,
      model: { id: row.modelId, name: row.modelName, path: row.modelPath },
      prompt: row.prompt,
      negativePrompt: row.negativePrompt,
      params: row.params,
      requestId: currentRequestId(),
    };
  }
}
