import { Inject, Logger } from '@nestjs/common';
import { type GalleryIngestJob, GalleryIngestNames, QueueNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import type { BlobStorage } from '@pingvas/storage';
import { buffer } from 'node:stream/consumers';
import { BoardOwnership } from '../images/board-ownership';
import type { NewImage } from '../images/image-row';
import { ImagesRepository } from '../images/images.repository';
import { makeThumbnail, thumbnailKey } from '../images/thumbnails';
import { SearchSync } from '../search/search-sync';
import { BLOB_STORAGE } from '../storage.provider';

/**
 * A succeeded generation's images enter the gallery: a thumbnail per image (sharp, WebP), then
 * the rows and their search-index job in one transaction. Idempotent by image id and by
 * (generation, index): a repeated job rewrites the same thumbnails and inserts nothing. A
 * missing file throws, so BullMQ retries (the worker's write may not be visible yet); while the
 * database is away the job waits without spending its attempts.
 */
@JobConsumer(QueueNames.galleryIngest, { concurrency: 2 })
export class IngestConsumer extends QueueConsumer {
  private readonly logger = new Logger(IngestConsumer.name);

  constructor(
    private readonly images: ImagesRepository,
    private readonly boards: BoardOwnership,
    private readonly sync: SearchSync,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {
    super();
  }

  @OnJob(QueueNames.galleryIngest, GalleryIngestNames.generation)
  async ingest(g: GalleryIngestJob): Promise<{ inserted: number }> {
    const rows: Omit<NewImage, 'boardId'>[] = [];
    for (const image of g.images) {
      const png = await buffer(await this.storage.read(image.storageKey));
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
        promptChosung: this.sync.chosungOf(g.prompt),
        negativePrompt: g.negativePrompt,
        seed: image.seed,
        width: image.width,
        height: image.height,
        steps: g.params.steps,
        guidanceScale: g.params.guidanceScale,
        storageKey: image.storageKey,
        thumbnailKey: thumb,
        bytes: image.bytes,
        createdAt: new Date(g.finishedAt),
      });
    }
    const inserted = await this.images.transaction(async (tx) => {
      // A board that is not (or no longer) the owner's: the images land on no board.
      const boardId =
        g.boardId && (await this.boards.owns(g.boardId, g.ownerId, tx)) ? g.boardId : null;
      const added = await this.images.insert(
        tx,
        rows.map((r) => ({ ...r, boardId })),
      );
      await this.sync.changed(
        tx,
        added.map((r) => r.id),
      );
      return added.length;
    });
    this.sync.flush();
    this.logger.log({ generationId: g.generationId, inserted }, 'images added to the gallery');
    return { inserted };
  }
}
