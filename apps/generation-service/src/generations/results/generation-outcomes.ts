import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type GalleryIngestJob,
  GalleryIngestNames,
  galleryIngestJobId,
  type GenerationFinishedMessage,
  QueueNames,
} from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { Outbox } from '@pingvas/messaging';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import { type FinishSteps, GenerationFinisher } from '../finish/generation-finisher';
import { GenerationImagesRepository } from '../store/generation-images.repository';
import {
  type GenerationRow,
  GenerationsRepository,
  type ImageRow,
} from '../store/generations.repository';

/**
 * A generation's final outcome, applied exactly once whoever brings it: the worker's report,
 * or the sweeper adopting images a lost report left behind. It ends through the one finishing
 * path; a success also records its images and hands them to the gallery through the outbox in
 * the same transaction.
 */
@Injectable()
export class GenerationOutcomes {
  private readonly logger = new Logger(GenerationOutcomes.name);

  constructor(
    private readonly repo: GenerationsRepository,
    private readonly images: GenerationImagesRepository,
    private readonly finisher: GenerationFinisher,
    private readonly outbox: Outbox,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  /** The row it finished, or undefined when the generation had already ended. */
  async finish(
    m: GenerationFinishedMessage,
    settle: FinishSteps['settle'],
  ): Promise<GenerationRow | undefined> {
    const finished = await this.finisher.finish(
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
      {
        alongside: (row, tx) => this.recordImages(m, row, tx),
        afterCommit: async () => {
          void this.outbox.flush();
          this.logger.log(
            { generationId: m.generationId, outcome: m.outcome, images: m.images.length },
            'generation finished',
          );
        },
        settle,
      },
    );
    if (!finished) await this.discardUnclaimed(m);
    return finished?.row;
  }

  /** A success's images, and its hand-off to the gallery, committed with the final status. */
  private async recordImages(
    m: GenerationFinishedMessage,
    row: GenerationRow,
    tx: Tx,
  ): Promise<ImageRow[]> {
    if (m.outcome !== 'succeeded') return [];
    const images: ImageRow[] = m.images.map((image) => ({
      ...image,
      id: randomUUID(),
      generationId: row.id,
    }));
    await this.images.insert(images, tx);
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
    await this.outbox.add(tx, {
      queue: QueueNames.galleryIngest,
      name: GalleryIngestNames.generation,
      jobId: galleryIngestJobId(row.id),
      payload: ingest,
    });
    return images;
  }

  /**
   * Images of a success that came too late (the generation was already failed as lost and its
   * credits released) belong to nobody: they are removed, not left in storage for ever. A
   * repeated report of a success keeps them: they are the generation's own.
   */
  private async discardUnclaimed(m: GenerationFinishedMessage): Promise<void> {
    if (m.outcome !== 'succeeded' || m.images.length === 0) return;
    const row = await this.repo.find(m.generationId);
    // No row: the account was erased while the worker ran; its files are nobody's either.
    if (row?.status === 'succeeded') return;
    await this.removeFiles(m.images.map((image) => image.storageKey));
    this.logger.warn(
      { generationId: m.generationId, status: row?.status ?? 'erased', images: m.images.length },
      'removed the images of a report that came after the generation ended',
    );
  }

  /** Idempotent (deleting a missing blob succeeds). */
  async removeFiles(keys: string[]): Promise<void> {
    for (const key of keys) await this.storage.delete(key);
  }
}
