import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QueueNames, SearchIndexNames, type SearchIndexJob } from '@pingvas/contracts';
import { retryWhileDatabaseAway } from '@pingvas/messaging';
import type { Job } from 'bullmq';
import { ImagesRepository, searchDocument } from '../images/images.repository';
import { ImageSearch } from './image-search';

/**
 * Applies `search-index` jobs: reads the images as they are now, indexes the live ones and
 * removes the rest. Reading the current state makes every job idempotent and order-free; a
 * failure throws and BullMQ retries with backoff (while the database is away, without spending
 * attempts).
 */
@Processor(QueueNames.searchIndex, { concurrency: 4 })
export class SearchIndexer extends WorkerHost {
  constructor(
    private readonly search: ImageSearch,
    private readonly images: ImagesRepository,
  ) {
    super();
  }

  process(job: Job<SearchIndexJob>, token?: string): Promise<{ indexed: number; removed: number }> {
    return retryWhileDatabaseAway(job, token, () => this.apply(job));
  }

  private async apply(job: Job<SearchIndexJob>): Promise<{ indexed: number; removed: number }> {
    if (job.name !== SearchIndexNames.imagesChanged)
      throw new Error(`no handler for ${job.name} on ${QueueNames.searchIndex}`);
    const live = await this.images.byIds(job.data.imageIds);
    const liveIds = new Set(live.map((r) => r.id));
    const gone = job.data.imageIds.filter((id) => !liveIds.has(id));
    if (live.length > 0) await this.search.index(live.map(searchDocument));
    if (gone.length > 0) await this.search.remove(gone);
    return { indexed: live.length, removed: gone.length };
  }
}
