import { Injectable } from '@nestjs/common';
import { SqlRepository } from '@pingvas/database';
import { filterSql } from './image-filter-sql';
import type { ImageFilters } from './image-row';

/** Which form of the prompt to match: as typed, or its initial consonants (초성). */
export type PromptForm = 'prompt' | 'chosung';

/**
 * A prompt search on the images table (the PostgreSQL search backend): the owner's live
 * images whose prompt, or its 초성 form, matches every pattern, ranked by word_similarity of
 * `q`, then newest first.
 */
export interface PromptSearch extends ImageFilters {
  ownerId: string;
  form: PromptForm;
  q: string;
  /** ILIKE patterns the prompt must all match. */
  patterns: string[];
  limit: number;
  after?: { rank: string; createdAt: string; id: string };
}

export interface PromptHit {
  id: string;
  /** word_similarity rounded to 4 places, as text, so a cursor compares exactly. */
  rank: string;
  createdAt: Date;
}

/**
 * The PostgreSQL search backend's reads of the images table (that table is its index): the
 * owner of those statements, beside `ImagesRepository` so the filters are one SQL; the search
 * backend decides what to match (words or 초성, LIKE patterns) and how to page.
 */
@Injectable()
export class PromptSearchRepository extends SqlRepository {
  /** One page of a prompt search (trigram GIN indexes led by the owner make it fast). */
  async search(search: PromptSearch): Promise<PromptHit[]> {
    const column = search.form === 'chosung' ? '"prompt_chosung"' : '"prompt"';
    const params: unknown[] = [search.ownerId, search.q, search.limit];
    const where = [`"owner_id" = $1`, `"deleted_at" IS NULL`];
    for (const pattern of search.patterns) {
      params.push(pattern);
      where.push(`${column} ILIKE $${params.length}`);
    }
    where.push(...filterSql(search, params));
    let after = '';
    if (search.after) {
      params.push(search.after.rank, search.after.createdAt, search.after.id);
      const [r, c, i] = [params.length - 2, params.length - 1, params.length];
      after = `WHERE "rank" < $${r}::numeric OR ("rank" = $${r}::numeric AND ("created_at", "id") < ($${c}::timestamptz, $${i}::uuid))`;
    }
    const rows = await this.query<{ id: string; rank: string; created_at: Date }>(
      `SELECT * FROM (
         SELECT "id", "created_at", round(public.word_similarity($2, ${column})::numeric, 4) AS "rank"
         FROM "images" WHERE ${where.join(' AND ')}
       ) hits ${after}
       ORDER BY "rank" DESC, "created_at" DESC, "id" DESC LIMIT $3`,
      params,
    );
    return rows.map((r) => ({ id: r.id, rank: String(r.rank), createdAt: r.created_at }));
  }

  /**
   * Up to `limit` distinct prompts of the owner's: those that match `startsWith` (btree on
   * lower(prompt)) first, then those with a word matching `wordStartsWith` (trigram GIN); the
   * most recently used first within each.
   */
  async suggest(
    ownerId: string,
    form: PromptForm,
    patterns: { startsWith: string; wordStartsWith: string },
    limit: number,
  ): Promise<string[]> {
    const chosung = form === 'chosung';
    const startsWith = chosung ? `"prompt_chosung" LIKE $2` : `lower("prompt") LIKE $2`;
    const wordStarts = chosung ? `"prompt_chosung" LIKE $3` : `"prompt" ILIKE $3`;
    const rows = await this.query<{ prompt: string }>(
      `SELECT "prompt" FROM "images"
       WHERE "owner_id" = $1 AND "deleted_at" IS NULL AND (${startsWith} OR ${wordStarts})
       GROUP BY "prompt"
       ORDER BY bool_or(${startsWith}) DESC, max("created_at") DESC, "prompt"
       LIMIT $4`,
      [ownerId, patterns.startsWith, patterns.wordStartsWith, limit],
    );
    return rows.map((r) => r.prompt);
  }

  /** Rejects when the database does not answer (for `/ready`). */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }
}
