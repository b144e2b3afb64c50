import { AppError, decodeCursor, encodeCursor, keysetOf } from '@pingvas/common';
import {
  escapeLike,
  type PromptForm,
  type PromptSearch,
  PromptSearchRepository,
} from '../images/prompt-search.repository';
import { initialConsonants, isInitialConsonantQuery } from './hangul';
import {
  ImageSearch,
  type SearchDocument,
  type SearchPage,
  type SearchRequest,
} from './image-search';

export { escapeLike };

/** A query made only of initial consonants searches their form of the prompt. */
function promptForm(q: string): PromptForm {
  return isInitialConsonantQuery(q) ? 'chosung' : 'prompt';
}

/**
 * The embedded search: the images table is the index. Every word of the query must appear in
 * the prompt (or, for a query of consonants like "ㄱㅇㅇ", in its 초성 form); trigram GIN
 * indexes led by the owner make that fast. Hits are ranked by pg_trgm's word_similarity of the
 * whole query to the prompt (rounded, so the cursor compares exactly), then newest first.
 */
export class PostgresImageSearch extends ImageSearch {
  readonly backend = 'postgres' as const;
  override readonly followsDatabase = true;

  constructor(private readonly prompts: PromptSearchRepository) {
    super();
  }

  // The table is the index: nothing to write or remove.
  async index(_docs: SearchDocument[]): Promise<void> {}
  async remove(_ids: string[]): Promise<void> {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const form = promptForm(request.q);
    const q = form === 'chosung' ? initialConsonants(request.q) : request.q.toLowerCase();
    const cursor = decodeCursor(request.cursor, 3);
    let after: PromptSearch['after'];
    if (cursor) {
      const [rank] = cursor;
      const { createdAt, id } = keysetOf(cursor[1], cursor[2]);
      if (typeof rank !== 'string' || !/^\d(\.\d+)?$/.test(rank))
        throw new AppError('VALIDATION_FAILED', 'cursor is not one this API gave out');
      after = { rank, createdAt, id };
    }
    const rows = await this.prompts.search({
      ownerId: request.ownerId,
      form,
      q,
      words: q.split(/\s+/).filter(Boolean),
      boardId: request.boardId,
      starred: request.starred,
      modelId: request.modelId,
      from: request.from ? new Date(request.from) : undefined,
      to: request.to ? new Date(request.to) : undefined,
      limit: request.limit + 1,
      after,
    });
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((r) => r.id),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor([last.rank, last.createdAt.toISOString(), last.id])
          : null,
    };
  }

  async suggest(ownerId: string, prefix: string, limit: number): Promise<string[]> {
    const form = promptForm(prefix);
    const p = escapeLike(form === 'chosung' ? initialConsonants(prefix) : prefix.toLowerCase());
    return this.prompts.suggest(
      ownerId,
      form,
      { startsWith: `${p}%`, wordStartsWith: `% ${p}%` },
      limit,
    );
  }

  ping(): Promise<void> {
    return this.prompts.ping();
  }

  /** Nothing to rebuild (PostgreSQL keeps its indexes); counts the live images. */
  async rebuild(batches: AsyncIterable<SearchDocument[]>): Promise<{ indexed: number }> {
    let indexed = 0;
    for await (const batch of batches) indexed += batch.length;
    return { indexed };
  }
}
