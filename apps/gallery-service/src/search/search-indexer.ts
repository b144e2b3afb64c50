import { QueueNames, SearchIndexNames, type SearchIndexJob } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { ImagesRepository } from '../images/images.repository';
import { ImageSearch } from './image-search';
import { searchDocument } from './search-document';

/**
 * Applies `search-index` jobs: reads the images as they are now, indexes the live ones and
 * removes the rest. Reading the current state makes every job idempotent and order-free; a
 * failure throws and BullMQ retries with backoff (while the database is away, without spending
 * attempts).
 */
@JobConsumer(QueueNames.searchIndex, { concurrency: 4 })
export class SearchIndexer extends QueueConsumer {
  constructor(
    private readonly search: ImageSearch,
    private readonly images: ImagesRepository,
  ) {
    super();
  }

  @OnJob(QueueNames.searchIndex, SearchIndexNames.imagesChanged)
  async apply({ imageIds }: SearchIndexJob): Promise<{ indexed: number; removed: number }> {
    const live = await this.images.byIds(imageIds);
    const liveIds = new Set(live.map((r) => r.id));
    const gone = imageIds.filter((id) => !liveIds.has(id));
    if (live.length > 0) await this.search.index(live.map(searchDocument));
    if (gone.length > 0) await this.search.remove(gone);
    return { indexed: live.length, removed: gone.length };
  }
}
