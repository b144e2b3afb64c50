import { randomUUID } from 'node:crypto';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import {
  type GalleryIngestJob,
  GalleryIngestNames,
  galleryIngestJobId,
  type GenerationFinishedMessage,
  GenerationResultNames,
  type GenerationStartedMessage,
  QueueNames,
} from '@pingvas/contracts';
import { Outbox } from '@pingvas/messaging';
import type { Job } from 'bullmq';
import { CreditSettlement } from './credit-settlement';
import { GenerationEvents } from './generation-events';
import { GenerationsRepository, type ImageRow } from './generations.repository';
import { GenerationViews } from './generation-views';

/**
 * What workers report, applied exactly once: each report is a conditional update (a repeated
 * or late report changes nothing), then the credits owed are settled; if payment-service is
 * away the job throws and BullMQ retries it, and only the settlement is left to do.
 */
@Processor(QueueNames.generationResults, { concurrency: 8 })
export class ResultsConsumer extends WorkerHost {
  private readonly logger = new Logger(ResultsConsumer.name);

  constructor(
    private readonly repo: GenerationsRepository,
    private readonly views: GenerationViews,
    private readonly settlement: CreditSettlement,
    private readonly events: GenerationEvents,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  async process(job: Job): Promise<{ applied: boolean }> {
    switch (job.name) {
      case GenerationResultNames.started:
        return this.started(job.data as GenerationStartedMessage);
      case GenerationResultNames.finished:
        return this.finished(job.data as GenerationFinishedMessage);
      default:
        throw new Error(`no handler for ${job.name} on ${QueueNames.generationResults}`);
    }
  }

  private async started(m: GenerationStartedMessage): Promise<{ applied: boolean }> {
    const applied = await this.repo.markRunning(m.generationId, new Date(m.startedAt), m.attempt);
    return { applied };
  }

  private async finished(m: GenerationFinishedMessage): Promise<{ applied: boolean }> {
    const outcome = await this.repo.dataSource.transaction(async (manager) => {
      const row = await this.repo.finish(
        m.generationId,
        {
          status: m.outcome,
          settlement: m.outcome === 'succeeded' ? 'capture' : 'release',
          stepsDone: m.stepsRun,
          provider: m.provider ?? null,
          error: m.error ?? null,
          startedAt: new Date(m.startedAt),
          finishedAt: new Date(m.finishedAt),
          from: ['queued', 'running'],
        },
        manager,
      );
      if (!row || m.outcome !== 'succeeded') return { row, images: [] as ImageRow[] };
      const images: ImageRow[] = m.images.map((image) => ({
        ...image,
        id: randomUUID(),
        generationId: row.id,
      }));
      await this.repo.insertImages(manager, images);
      const ingest: GalleryIngestJob = {
        ownerId: row.userId,
        generationId: row.id,
        boardId: row.boardId,
        model: { id: row.modelId, name: row.modelName },
        prompt: row.prompt,
        negativePrompt: row.negativePrompt,
        params: row.params,
        images,
        createdAt: row.createdAt.toISOString(),
        finishedAt: m.finishedAt,
      };
      await this.outbox.add(manager, {
        queue: QueueNames.galleryIngest,
        name: GalleryIngestNames.generation,
        jobId: galleryIngestJobId(row.id),
        payload: ingest as unknown as Record<string, unknown>,
      });
      return { row, images };
    });

    if (outcome.row) {
      void this.outbox.flush();
      const view = await this.views.view(outcome.row, outcome.images);
      void this.events.publish({
        generationId: m.generationId,
        type: m.outcome,
        data: { ...view },
      });
      this.logger.log(
        { generationId: m.generationId, outcome: m.outcome, images: m.images.length },
        'generation finished',
      );
    }
    // Also on a repeated report: the first attempt may have stopped before this line.
    await this.settlement.settle(m.generationId);
    return { applied: Boolean(outcome.row) };
  }
}
