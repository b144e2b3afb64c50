import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueueNames, SearchIndexNames, type SearchIndexJob } from '@pingvas/contracts';
import { Outbox } from '@pingvas/messaging';
import type { EntityManager } from 'typeorm';
import { ImageSearch } from './image-search';

/**
 * Keeps the search index following the database: a change to images writes a `search-index`
 * job in the same transaction (the outbox), and the indexer applies it with retries. The
 * PostgreSQL backend searches the images table itself, so it needs no job.
 */
@Injectable()
export class SearchSync {
  constructor(
    private readonly search: ImageSearch,
    private readonly outbox: Outbox,
  ) {}

  async changed(manager: EntityManager, imageIds: string[]): Promise<void> {
    if (imageIds.length === 0 || this.search.followsDatabase) return;
    const job: SearchIndexJob = { imageIds };
    await this.outbox.add(manager, {
      queue: QueueNames.searchIndex,
      name: SearchIndexNames.imagesChanged,
      jobId: `index-${randomUUID()}`,
      payload: job,
    });
  }

  /** Publishes what the last transactions wrote (the relay's timer would, a little later). */
  flush(): void {
    if (!this.search.followsDatabase) void this.outbox.flush();
  }
}
