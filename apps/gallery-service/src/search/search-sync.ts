import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueueNames, SearchIndexNames } from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { Outbox } from '@pingvas/messaging';
import { ImageChanges } from '../images/image-changes';
import { initialConsonants } from './hangul';
import { ImageSearch } from './image-search';

/**
 * Search's side of ImageChanges, the port the gallery's writers use. Keeps the search index following the
 * database: a change to images writes a `search-index` job in the same transaction (the
 * outbox), and the indexer applies it with retries. The PostgreSQL backend searches the images
 * table itself, so it needs no job, only the 초성 form of each prompt stored beside it.
 */
@Injectable()
export class SearchSync extends ImageChanges {
  constructor(
    private readonly search: ImageSearch,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  /** The initial consonants of a prompt, kept with a new image for "ㄱㅇㅇ" searches. */
  chosungOf(prompt: string): string {
    return initialConsonants(prompt);
  }

  async changed(tx: Tx, imageIds: string[]): Promise<void> {
    if (imageIds.length === 0 || this.search.followsDatabase) return;
    await this.outbox.add(tx, {
      queue: QueueNames.searchIndex,
      name: SearchIndexNames.imagesChanged,
      jobId: `index-${randomUUID()}`,
      payload: { imageIds },
    });
  }

  /** Publishes what the last transactions wrote (the relay's timer would, a little later). */
  flush(): void {
    if (!this.search.followsDatabase) void this.outbox.flush();
  }
}
