import { AppError, decodeCursor, encodeCursor, keysetOf } from '@pingvas/common';
import type { DataSource } from 'typeorm';
import { filterSql } from '../images/images.repository';
import { initialConsonants, isInitialConsonantQuery } from './hangul';
import {
  ImageSearch,
  type SearchDocument,
  type SearchPage,
  type SearchRequest,
} from './image-search';

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
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

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  // The table is the index: nothing to write or remove.
  async index(_docs: SearchDocument[]): Promise<void> {}
  async remove(_ids: string[]): Promise<void> {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const chosung = isInitialConsonantQuery(request.q);
    const column = chosung ? '"prompt_chosung"' : '"prompt"';
    const q = chosung ? initialConsonants(request.q) : request.q.toLowerCase();
    const params: unknown[] = [request.ownerId, q, request.limit + 1];
    const where = [`"owner_id" = $1`, `"deleted_at" IS NULL`];
    for (const word of q.split(/\s+/).filter(Boolean)) {
      params.push(`%${escapeLike(word)}%`);
      where.push(`${column} ILIKE $${params.length}`);
    }
    where.push(
      ...filterSql(
        {
          boardId: request.boardId,
          starred: request.starred,
          modelId: request.modelId,
          from: request.from ? new Date(request.from) : undefined,
          to: request.to ? new Date(request.to) : undefined,
        },
        params,
      ),
    );
    let after = '';
    const cursor = decodeCursor(request.cursor, 3);
    if (cursor) {
      const [rank] = cursor;
      const { createdAt, id } = keysetOf(cursor[1], cursor[2]);
      if (typeof rank !== 'string' || !/^\d(\.\d+)?$/.test(rank))
        throw new AppError('VALIDATION_FAILED', 'cursor is not one this API gave out');
      params.push(rank, createdAt, id);
      const [r, c, i] = [params.length - 2, params.length - 1, params.length];
      after = `WHERE "rank" < $${r}::numeric OR ("rank" = $${r}::numeric AND ("created_at", "id") < ($${c}::timestamptz, $${i}::uuid))`;
    }
    const rows: { id: string; rank: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT "id", "created_at", round(public.word_similarity($2, ${column})::numeric, 4) AS "rank"
         FROM "images" WHERE ${where.join(' AND ')}
       ) hits ${after}
       ORDER BY "rank" DESC, "created_at" DESC, "id" DESC LIMIT $3`,
      params,
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((r) => r.id),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor([String(last.rank), last.created_at.toISOString(), last.id])
          : null,
    };
  }

  async suggest(ownerId: string, prefix: string, limit: number): Promise<string[]> {
    const chosung = isInitialConsonantQuery(prefix);
    const p = escapeLike(chosung ? initialConsonants(prefix) : prefix.toLowerCase());
    // Prompts that start with the prefix (btree on lower(prompt)) first, then prompts with a
    // word that does (trigram GIN); the most recently used first within each.
    const startsWith = chosung ? `"prompt_chosung" LIKE $2` : `lower("prompt") LIKE $2`;
    const wordStarts = chosung ? `"prompt_chosung" LIKE $3` : `"prompt" ILIKE $3`;
    const rows: { prompt: string }[] = await this.dataSource.query(
      `SELECT "prompt" FROM "images"
       WHERE "owner_id" = $1 AND "deleted_at" IS NULL AND (${startsWith} OR ${wordStarts})
       GROUP BY "prompt"
       ORDER BY bool_or(${startsWith}) DESC, max("created_at") DESC, "prompt"
       LIMIT $4`,
      [ownerId, `${p}%`, `% ${p}%`, limit],
    );
    return rows.map((r) => r.prompt);
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** Nothing to rebuild (PostgreSQL keeps its indexes); counts the live images. */
  async rebuild(batches: AsyncIterable<SearchDocument[]>): Promise<{ indexed: number }> {
    let indexed = 0;
    for await (const batch of batches) indexed += batch.length;
    return { indexed };
  }
}
