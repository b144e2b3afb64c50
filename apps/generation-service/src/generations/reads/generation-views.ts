import { Injectable } from '@nestjs/common';
import { AppError, decodeKeysetCursor, encodeKeysetCursor } from '@pingvas/common';
import {
  EXPORT_PAGE_DEFAULT,
  type GenerationParams,
  type GenerationStatus,
} from '@pingvas/contracts';
import {
  type GenerationRow,
  GenerationsRepository,
  type ImageRow,
} from '../store/generations.repository';
import { GenerationImagesRepository } from '../store/generation-images.repository';
import { TierQueues } from '../store/tier-queues';

/** A type alias, not an interface, so that it is also an export row (ApiView: a JSON object). */
export type GenerationView = {
  id: string;
  status: GenerationStatus;
  prompt: string;
  negativePrompt: string | null;
  model: { id: string; name: string };
  boardId: string | null;
  params: GenerationParams;
  tier: string;
  queue: string;
  cost: number;
  progress: { step: number; steps: number };
  timings: { queuedAt: string; startedAt: string | null; finishedAt: string | null };
  error: { code: string; message: string } | null;
  images: { id: string; index: number; width: number; height: number; seed: number }[];
  attempts: number;
  createdAt: string;
};

/**
 * What a client sees of its generations: one, a page of them, and the view the events and the
 * results carry. Live progress of a running job is read from its BullMQ job.
 */
@Injectable()
export class GenerationViews {
  constructor(
    private readonly repo: GenerationsRepository,
    private readonly images: GenerationImagesRepository,
    private readonly queues: TierQueues,
  ) {}

  async get(userId: string, id: string): Promise<GenerationView> {
    const row = await this.repo.findOwned(id, userId);
    if (!row) throw new AppError('NOT_FOUND', 'No such generation');
    return this.view(row);
  }

  async view(row: GenerationRow, images?: ImageRow[]): Promise<GenerationView> {
    const own = images ?? (await this.images.of([row.id]));
    return {
      id: row.id,
      status: row.status,
      prompt: row.prompt,
      negativePrompt: row.negativePrompt,
      model: { id: row.modelId, name: row.modelName },
      boardId: row.boardId,
      params: row.params,
      tier: row.tier,
      queue: row.queue,
      cost: row.cost,
      progress: await this.progress(row),
      timings: {
        queuedAt: row.createdAt.toISOString(),
        startedAt: row.startedAt?.toISOString() ?? null,
        finishedAt: row.finishedAt?.toISOString() ?? null,
      },
      error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
      images: own.map(({ id, index, width, height, seed }) => ({ id, index, width, height, seed })),
      attempts: row.attempts,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** Live progress of a running job is the worker's (kept on its BullMQ job). */
  private async progress(row: GenerationRow): Promise<{ step: number; steps: number }> {
    const steps = row.params.steps * row.params.count;
    if (row.status !== 'running') {
      return { step: row.status === 'succeeded' ? steps : row.stepsDone, steps };
    }
    const job = await this.queues.getJob(row.tier, row.id).catch(() => undefined);
    const live = job?.progress as { step?: unknown } | undefined;
    return { step: typeof live?.step === 'number' ? live.step : 0, steps };
  }

  async list(
    userId: string,
    query: { limit?: number; status?: GenerationStatus; cursor?: string },
  ): Promise<{ items: GenerationView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const rows = await this.repo.list(
      userId,
      limit + 1,
      query.status,
      decodeKeysetCursor(query.cursor),
    );
    const page = rows.slice(0, limit);
    const images = await this.images.of(page.map((r) => r.id));
    const items = await Promise.all(
      page.map((r) =>
        this.view(
          r,
          images.filter((i) => i.generationId === r.id),
        ),
      ),
    );
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeKeysetCursor(last) : null,
    };
  }

  /**
   * One page of the owner's data export, oldest first: each item is exactly what
   * `GET /generations/:id` shows. No `nextCursor` on the last page.
   */
  async exportPage(
    userId: string,
    cursor: string | undefined,
    limit = EXPORT_PAGE_DEFAULT,
  ): Promise<{ items: GenerationView[]; nextCursor?: string }> {
    const rows = await this.repo.exportPage(userId, limit + 1, decodeKeysetCursor(cursor));
    const page = rows.slice(0, limit);
    const images = await this.images.of(page.map((r) => r.id));
    const items = await Promise.all(
      page.map((r) =>
        this.view(
          r,
          images.filter((i) => i.generationId === r.id),
        ),
      ),
    );
    const last = page[page.length - 1];
    return rows.length > limit && last
      ? { items, nextCursor: encodeKeysetCursor(last) }
      : { items };
  }
}
