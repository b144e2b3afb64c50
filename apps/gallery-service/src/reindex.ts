import { Logger } from '@nestjs/common';
import { dataSourceOptions } from '@pingvas/database';
import { DataSource } from 'typeorm';
import { loadGalleryServiceConfig } from './config';
import { GALLERY_DATABASE } from './database';
import { ImagesRepository } from './images/images.repository';
import { PromptSearchRepository } from './images/prompt-search.repository';
import { createImageSearch } from './search/search-backend.provider';
import { searchDocument } from './search/search-document';

const BATCH = 1000;

/**
 * `npm run search:reindex`: rebuilds the search index from the database, every live image, in
 * batches. On Elasticsearch a new versioned index is filled and the alias swapped at the end,
 * so searches keep answering meanwhile.
 */
async function main(): Promise<void> {
  const config = loadGalleryServiceConfig(process.env);
  const dataSource = await new DataSource(
    dataSourceOptions(config.database, GALLERY_DATABASE, 'pingvas-gallery-reindex'),
  ).initialize();
  try {
    // A command, not an app: it opens the pool itself and hands it to the repositories.
    const search = await createImageSearch(
      config,
      new PromptSearchRepository(dataSource),
      new Logger('reindex'),
    );
    const images = new ImagesRepository(dataSource);
    const started = Date.now();
    async function* documents() {
      for await (const rows of images.liveBatches(BATCH)) yield rows.map(searchDocument);
    }
    const { indexed } = await search.rebuild(documents());
    // Changes made while the rebuild ran went to the old index: apply them to the new one
    // (a minute's margin for transactions that were in flight when it started).
    const changed = await images.changedSince(new Date(started - 60_000));
    await search.index(changed.live.map(searchDocument));
    await search.remove(changed.deleted);
    await search.close();
    process.stdout.write(
      `reindexed ${indexed} image(s) on ${search.backend} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        ` (then ${changed.live.length + changed.deleted.length} changed meanwhile)\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `search:reindex failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
