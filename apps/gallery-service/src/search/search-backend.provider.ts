import { Logger, type Provider } from '@nestjs/common';
import { APP_CONFIG, ReadinessRegistry } from '@pingvas/common';
import type { GalleryServiceConfig } from '../config';
import { PromptSearchRepository } from '../images/prompt-search.repository';
import { ImageSearch } from './image-search';
import { PostgresImageSearch } from './postgres-search';

/** Elasticsearch when ELASTICSEARCH_URL is set (production), PostgreSQL otherwise. */
export async function createImageSearch(
  config: GalleryServiceConfig,
  prompts: PromptSearchRepository,
  logger: Logger,
): Promise<ImageSearch> {
  if (!config.search.elasticsearchUrl) return new PostgresImageSearch(prompts);
  // Loaded only here: the client and its helpers are ~450 modules (~30 MB resident) that a
  // gallery searching with PostgreSQL never needs.
  const { ElasticsearchImageSearch } = await import('./elasticsearch/elasticsearch-search');
  const es = ElasticsearchImageSearch.connect(config.search.elasticsearchUrl, config.search.index);
  // Not fatal at boot: /ready stays 503 until Elasticsearch answers.
  await es
    .ensureIndex()
    .catch((err: unknown) => logger.warn(`Elasticsearch index not ready yet: ${String(err)}`));
  return es;
}

/** The search port for the app; `/ready` names the backend in use and checks it. */
export const searchBackendProvider: Provider = {
  provide: ImageSearch,
  inject: [APP_CONFIG, PromptSearchRepository, ReadinessRegistry],
  useFactory: async (
    config: GalleryServiceConfig,
    prompts: PromptSearchRepository,
    readiness: ReadinessRegistry,
  ): Promise<ImageSearch> => {
    const logger = new Logger('ImageSearch');
    const search = await createImageSearch(config, prompts, logger);
    readiness.register({ name: `search_${search.backend}`, check: () => search.ping() });
    logger.log(`searching with ${search.backend}`);
    return search;
  },
};
