import { encodeCursor } from '@pingvas/common';
import { Client, type estypes, type TransportRequestOptions } from '@elastic/elasticsearch';
import {
  ImageSearch,
  type SearchDocument,
  type SearchPage,
  type SearchRequest,
} from '../image-search';
import { imageIndexTemplate } from './index-template';
import {
  type BulkOperation,
  indexOperations,
  removeOperations,
  searchBody,
  suggestBody,
} from './queries';

/** A rebuild's batches are larger and less urgent than one image's change. */
const LOAD_OPTIONS: TransportRequestOptions = { requestTimeout: 60_000 };

export interface ElasticsearchImageSearchOptions {
  client: Client;
  /** What every read and write goes through, e.g. `pingvas-dev-images`. */
  alias: string;
}

/**
 * Search on Elasticsearch with Nori (DESIGN §8). Reads and writes go through one alias that
 * names one versioned index (`<alias>-v1`, then `<alias>-v<time>` from each rebuild); a
 * rebuild fills a new index and moves the alias in one step, so no search sees a half-built
 * index.
 */
export class ElasticsearchImageSearch extends ImageSearch {
  readonly backend = 'elasticsearch' as const;
  private readonly client: Client;
  private readonly alias: string;
  private indexReady?: Promise<void>;

  constructor({ client, alias }: ElasticsearchImageSearchOptions) {
    super();
    this.client = client;
    this.alias = alias;
  }

  static connect(url: string, alias: string): ElasticsearchImageSearch {
    // Short timeouts: a search waits on this, and the indexing queue retries on its own.
    const client = new Client({ node: url, requestTimeout: 5_000, maxRetries: 2 });
    return new ElasticsearchImageSearch({ client, alias });
  }

  /**
   * Puts the current template and, on a new cluster, the first index behind the alias. Once
   * per process: every other call waits on it, and a failed attempt (Elasticsearch still
   * starting at boot) is made again by the next ping, search or write.
   */
  ensureIndex(): Promise<void> {
    this.indexReady ??= this.createIndexIfMissing().catch((error: unknown) => {
      this.indexReady = undefined;
      throw error;
    });
    return this.indexReady;
  }

  async index(docs: SearchDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await this.ensureIndex();
    await this.bulk({ alias: this.alias }, indexOperations(docs));
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.ensureIndex();
    await this.bulk({ alias: this.alias }, removeOperations(ids));
  }

  /** Every document of the owner, by query (refreshed first, so none just indexed escapes). */
  override async removeOwner(ownerId: string): Promise<void> {
    await this.ensureIndex();
    await this.client.indices.refresh({ index: this.alias });
    await this.client.deleteByQuery({
      index: this.alias,
      query: { term: { owner_id: ownerId } },
      conflicts: 'proceed',
      refresh: true,
    });
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    const body = searchBody(this.alias, request); // a bad cursor fails here, before any call
    await this.ensureIndex();
    const response = await this.client.search(body);
    const hits = response.hits.hits;
    const page = hits.slice(0, request.limit);
    const last = page.at(-1);
    return {
      ids: page.map((hit) => hit._id!),
      nextCursor: hits.length > request.limit && last?.sort ? encodeCursor(last.sort) : null,
    };
  }

  async suggest(ownerId: string, prefix: string, limit: number): Promise<string[]> {
    await this.ensureIndex();
    const response = await this.client.search<{ prompt: string }>(
      suggestBody(this.alias, ownerId, prefix, limit),
    );
    return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source.prompt] : []));
  }

  async ping(): Promise<void> {
    // Once and quickly: a readiness probe wants an answer, not three attempts of five seconds.
    const answered = await this.client.ping(undefined, { requestTimeout: 2_000, maxRetries: 0 });
    if (!answered) throw new Error('Elasticsearch did not answer the ping');
    // Ready means searchable: the alias must be in place too.
    await this.ensureIndex();
  }

  /**
   * Fills a new versioned index from `batches`, then moves the alias to it and deletes the old
   * ones. Images changed while it runs land in the old index: `npm run search:reindex` applies
   * them again to the new one once the alias has moved.
   */
  async rebuild(batches: AsyncIterable<SearchDocument[]>): Promise<{ indexed: number }> {
    await this.putTemplate();
    const index = `${this.alias}-v${Date.now()}`;
    await this.client.indices.create({ index });
    let indexed = 0;
    try {
      for await (const docs of batches) {
        if (docs.length === 0) continue;
        await this.bulk({ index }, indexOperations(docs), LOAD_OPTIONS);
        indexed += docs.length;
      }
      // Searchable before the alias points at it, so no search sees a half-empty index.
      await this.client.indices.refresh({ index }, LOAD_OPTIONS);
    } catch (error) {
      // The load's error is the one worth reporting; a failed clean-up leaves an unused index.
      await this.client.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
      throw error;
    }
    const previous = await this.indicesBehindAlias();
    await this.client.indices.updateAliases({
      actions: [
        ...previous.map((old) => ({ remove: { index: old, alias: this.alias } })),
        { add: { index, alias: this.alias } },
      ],
    });
    if (previous.length > 0) await this.client.indices.delete({ index: previous.join(',') });
    this.indexReady = Promise.resolve();
    return { indexed };
  }

  override async close(): Promise<void> {
    await this.client.close();
  }

  private async createIndexIfMissing(): Promise<void> {
    await this.putTemplate();
    if (await this.client.indices.existsAlias({ name: this.alias })) return;
    try {
      // A fixed first name: replicas starting together create one index, not two aliased ones.
      await this.client.indices.create({
        index: `${this.alias}-v1`,
        aliases: { [this.alias]: {} },
      });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }

  private async putTemplate(): Promise<void> {
    await this.client.indices.putIndexTemplate({
      name: this.alias,
      index_patterns: [`${this.alias}-v*`],
      template: imageIndexTemplate(),
    });
  }

  private async indicesBehindAlias(): Promise<string[]> {
    if (!(await this.client.indices.existsAlias({ name: this.alias }))) return [];
    return Object.keys(await this.client.indices.getAlias({ name: this.alias }));
  }

  /**
   * Rejects when any item failed, so the indexing queue retries the batch (index-or-replace
   * and delete are idempotent). Deleting a missing document is no failure: it has no error.
   */
  private async bulk(
    target: { alias: string } | { index: string },
    operations: BulkOperation[],
    options: TransportRequestOptions = {},
  ): Promise<void> {
    const response = await this.client.bulk(
      'alias' in target
        ? // Through the alias only: never auto-create a stray index named like the alias.
          { index: target.alias, require_alias: true, operations, refresh: false }
        : { index: target.index, operations, refresh: false },
      options,
    );
    if (!response.errors) return;
    const failed = response.items
      .flatMap((item) => Object.values(item))
      .filter((result) => result.error !== undefined);
    if (failed.length === 0) return;
    throw new Error(
      `Elasticsearch bulk failed for ${failed.length} of ${response.items.length} documents: ` +
        describeFailure(failed[0]),
    );
  }
}

function describeFailure(result: estypes.BulkResponseItem): string {
  return `${result._id ?? '?'}: ${result.error?.type ?? 'error'} ${result.error?.reason ?? ''}`;
}

function isAlreadyExists(error: unknown): boolean {
  const body = (error as { meta?: { body?: { error?: { type?: string } } } }).meta?.body;
  return body?.error?.type === 'resource_already_exists_exception';
}
