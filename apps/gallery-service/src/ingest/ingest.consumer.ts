import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type GalleryIngestJob, GalleryIngestNames, QueueNames } from '@pingvas/contracts';
import type { BlobStorage } from '@pingvas/storage';
import { retryWhileDatabaseAway } from '@pingvas/messaging';
import type { Job } from 'bullmq';
import { streamToBuffer } from '../images/stream-to-buffer';
import { ImagesRepository, type NewImage } from '../images/images.repository';
import { makeThumbnail, thumbnailKey } from '../images/thumbnails';
import { initialConsonants } from '../search/hangul';
import { SearchSync } from '../search/search-sync';
import { BLOB_STORAGE } from '../storage.provider';

/**
 * A succeeded generation's images enter the gallery: a thumbnail per image (sharp, WebP), then
 * the rows and their search-index job in one transaction. Idempotent by image id and by
 * (generation, index): a repeated job rewrites the same thumbnails and inserts nothing. A
 * missing file throws, so BullMQ retries (the worker's write may not be visible yet); while the
 * database is away the job waits without spending its attempts.
 */
@Processor(QueueNames.galleryIngest, { concurrency: 2 })
export class IngestConsumer extends WorkerHost {
  private readonly logger = new Logger(IngestConsumer.name);

  constructor(
    private readonly images: ImagesRepository,
    private readonly sync: SearchSync,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {
    super();
  }

  process(job: Job<GalleryIngestJob>, token?: string): Promise<{ inserted: number }> {
    return retryWhileDatabaseAway(job, token, () => this.ingest(job));
  }

  private async ingest(job: Job<GalleryIngestJob>): Promise<{ inserted: number }> {
    if (job.name !== GalleryIngestNames.generation)
      throw new Error(`no handler for ${job.name} on ${QueueNames.galleryIngest}`);
    const g = job.data;
    const rows: NewImage[] = [];
    for (const image of g.images) {
      const png = await streamToBuffer(await this.storage.read(image.storageKey));
      const thumb = thumbnailKey(image.storageKey);
      await this.storage.put(thumb, await makeThumbnail(png));
      rows.push({
        id: image.id,
        ownerId: g.ownerId,
        generationId: g.generationId,
        index: image.index,
        modelId: g.model.id,
        modelName: g.model.name,
        prompt: g.prompt,
        promptChosung: initialConsonants(g.prompt),
        negativePrompt: g.negativePrompt,
        seed: image.seed,
        width: image.width,
        height: image.height,
        steps: g.params.steps,
        guidanceScale: g.params.guidanceScale,
        storageKey: image.storageKey,
        thumbnailKey: thumb,
        bytes: image.bytes,
        boardId: g.boardId,
        createdAt: new Date(g.finishedAt),
      });
    }
    const inserted = await this.images.dataSource.transaction(async (m) => {
      const added = await this.images.insert(m, rows);
      await this.sync.changed(
        m,
        added.map((r) => r.id),
      );
      return added.length;
    });
    this.sync.flush();
    this.logger.log({ generationId: g.generationId, inserted }, 'images added to the gallery');
    return { inserted };
  }
}
