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
  /** The words of `q`: each must appear in the prompt (ILIKE '%word%'). */
  words: string[];
  limit: number;
  after?: { rank: string; createdAt: string; id: string };
}

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Characters whose JavaScript lower case is PostgreSQL's lower() (ASCII, Hangul jamo and
 * syllables, which have no case): only grams made of these are sent, so a gram the query asks
 * for is always one the row's `search_grams` (built by lower() in the trigger) holds.
 */
function sameLower(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (
    code < 0x80 ||
    (code >= 0x1100 && code <= 0x11ff) ||
    (code >= 0x3131 && code <= 0x318e) ||
    (code >= 0xac00 && code <= 0xd7a3)
  );
}

/**
 * The n-grams `search_grams` must contain for `word` to be a substring of the prompt: its
 * bigrams, or the word itself when it is one character (see the SearchGrams migration).
 */
export function wordGrams(word: string): string[] {
  // A character outside sameLower (or a space) breaks the word: no gram holds it.
  const chars = [...word].map((c) => (sameLower(c) && !/\s/u.test(c) ? c.toLowerCase() : null));
  const grams: string[] = [];
  if (chars.length === 1 && chars[0]) grams.push(chars[0]);
  for (let i = 1; i < chars.length; i++) {
    if (chars[i - 1] && chars[i]) grams.push(`${chars[i - 1]}${chars[i]}`);
  }
  return [...new Set(grams)];
}

/** The best rank there is (word_similarity is at most 1), as `round(…, 4)` prints it. */
const TOP_RANK = '1.0000';

/**
 * How many candidates (rows holding the words' n-grams), newest first, the fast path ranks for
 * each hit it needs: when fewer than a page of them match and rank 1, the full ranking runs
 * instead.
 */
const FAST_PATH_FACTOR = 3;

/** How many of the owner's newest images suggest reads before it groups every match. */
const SUGGEST_NEWEST = 500;

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
  /**
   * One page of a prompt search. The words' n-grams select the candidates through the GIN
   * index on `search_grams` (one- and two-character words included), ILIKE keeps the exact
   * rule. Ranking every match by word_similarity costs microseconds a row, so the page is
   * first looked for among the newest matches: word_similarity is at most 1, so when a page of
   * them ranks 1 it is exactly the page the full ranking gives (rank 1, newest first), read by
   * walking the (owner, created_at) index; when the candidates are fewer than it reads, those
   * it read are all of them and are ranked. Otherwise (or after a cursor of a lower rank) every
   * match is ranked, in the same statement.
   */
  async search(search: PromptSearch): Promise<PromptHit[]> {
    const column = search.form === 'chosung' ? '"prompt_chosung"' : '"prompt"';
    const params: unknown[] = [search.ownerId, search.q, search.limit];
    const base = [`"owner_id" = $1`, `"deleted_at" IS NULL`];
    const match: string[] = [];
    for (const word of search.words) {
      params.push(`%${escapeLike(word)}%`);
      match.push(`${column} ILIKE $${params.length}`);
    }
    // pg_trgm's index serves words of three characters and more; the n-grams serve what it
    // cannot (shorter words) and 초성, whose trigram index the planner passes over. The n-gram
    // index is shared by every owner, so for a light owner's long word it costs more than the
    // trigram index (a bitmap over every owner's rows holding those bigrams).
    const needsGrams =
      search.form === 'chosung' || search.words.some((word) => [...word].length < 3);
    const grams = needsGrams ? [...new Set(search.words.flatMap(wordGrams))] : [];
    let gramsMatch: string[] = [];
    if (grams.length > 0) {
      params.push(grams);
      gramsMatch = [`"search_grams" @> $${params.length}::text[]`];
    }
    base.push(...filterSql(search, params));
    const rank = `round(public.word_similarity($2, ${column})::numeric, 4)`;
    let after = '';
    let newestAfter = '';
    if (search.after) {
      params.push(search.after.rank, search.after.createdAt, search.after.id);
      const [r, c, i] = [params.length - 2, params.length - 1, params.length];
      after = `WHERE "rank" < $${r}::numeric OR ("rank" = $${r}::numeric AND ("created_at", "id") < ($${c}::timestamptz, $${i}::uuid))`;
      newestAfter = `AND ("created_at", "id") < ($${c}::timestamptz, $${i}::uuid)`;
    }
    const full = `SELECT * FROM (
         SELECT "id", "created_at", ${rank} AS "rank"
         FROM "images" WHERE ${[...base, ...match, ...gramsMatch].join(' AND ')}
       ) hits ${after}
       ORDER BY "rank" DESC, "created_at" DESC, "id" DESC LIMIT $3`;
    // The newest candidates: the planner walks the (owner, created_at) index when the n-grams
    // are common, or sorts the few rows the n-gram index gives when they are rare; its LIMIT
    // keeps the word conditions and the rank out of that choice.
    const fastPath = !search.after || Number(search.after.rank) === Number(TOP_RANK);
    // Without a cursor, fewer candidates than the LIMIT means the newest are all of them: the
    // page is theirs, ranked, and the full statement does not run.
    const complete = search.after
      ? 'false'
      : `(SELECT count(*) FROM newest) < $3 * ${FAST_PATH_FACTOR}`;
    const sql = fastPath
      ? `WITH newest AS (
           SELECT "id", "created_at", ${column} FROM "images"
           WHERE ${[...base, ...gramsMatch].join(' AND ')} ${newestAfter}
           ORDER BY "created_at" DESC, "id" DESC LIMIT $3 * ${FAST_PATH_FACTOR}
         ), ranked AS (
           SELECT "id", "created_at", ${rank} AS "rank" FROM newest
           WHERE ${match.length > 0 ? match.join(' AND ') : 'true'}
         ), fast AS (
           SELECT * FROM ranked WHERE "rank" = ${TOP_RANK}
           ORDER BY "created_at" DESC, "id" DESC LIMIT $3
         )
         SELECT * FROM fast WHERE (SELECT count(*) FROM fast) = $3
         UNION ALL
         (SELECT * FROM ranked WHERE (SELECT count(*) FROM fast) < $3 AND ${complete}
          ORDER BY "rank" DESC, "created_at" DESC, "id" DESC LIMIT $3)
         UNION ALL
         (SELECT * FROM (${full}) everything
          WHERE (SELECT count(*) FROM fast) < $3 AND NOT ${complete})
         ORDER BY "rank" DESC, "created_at" DESC, "id" DESC`
      : full;
    const rows = await this.query<{ id: string; rank: string; created_at: Date }>(sql, params);
    return rows.map((r) => ({ id: r.id, rank: String(r.rank), createdAt: r.created_at }));
  }

  /**
   * Up to `limit` distinct prompts of the owner's: those that match `startsWith` (btree on
   * lower(prompt), or on the 초성 form) first, then those with a word matching
   * `wordStartsWith`; the most recently used first within each, then by prompt.
   *
   * Grouping every matching image costs a heavy owner milliseconds, so the answer is first
   * taken from the owner's newest images: it is exact when they are all of them, or when a full
   * list was found among them, every prompt in it used after the oldest image read (so no older
   * image can change its order) and, when it holds a word match, no older image starts with the
   * prefix (one probe of the prefix index). Otherwise, in the same statement, the prompts that
   * start with the prefix are grouped from the prefix index, and the word matches only when
   * those are fewer than `limit`.
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
    const live = `"owner_id" = $1 AND "deleted_at" IS NULL`;
    const rows = await this.query<{ prompt: string }>(
      `WITH newest AS (
         SELECT "prompt", "prompt_chosung", "created_at" FROM "images" WHERE ${live}
         ORDER BY "created_at" DESC, "id" DESC LIMIT ${SUGGEST_NEWEST}
       ), edge AS (
         SELECT count(*) AS "n", min("created_at") AS "t" FROM newest
       ), top AS (
         SELECT "prompt", bool_or(${startsWith}) AS "starts", max("created_at") AS "used"
         FROM newest WHERE ${startsWith} OR ${wordStarts}
         GROUP BY "prompt" ORDER BY 2 DESC, 3 DESC, 1 LIMIT $4
       ), exact AS (
         SELECT (SELECT "n" FROM edge) < ${SUGGEST_NEWEST} OR (
           (SELECT count(*) FROM top) = $4
           AND (SELECT min("used") FROM top) > (SELECT "t" FROM edge)
           AND ((SELECT bool_and("starts") FROM top) OR NOT EXISTS (
             SELECT 1 FROM "images" WHERE ${live} AND ${startsWith}
               AND "created_at" <= (SELECT "t" FROM edge)))
         ) AS "yes"
       ), starters AS (
         SELECT "prompt", true AS "starts", max("created_at") AS "used" FROM "images"
         WHERE ${live} AND ${startsWith} AND NOT (SELECT "yes" FROM exact)
         GROUP BY "prompt" ORDER BY 3 DESC, 1 LIMIT $4
       )
       SELECT "prompt", "starts", "used" FROM top WHERE (SELECT "yes" FROM exact)
       UNION ALL
       SELECT * FROM starters
       UNION ALL
       (SELECT "prompt", false, max("created_at") FROM "images"
        WHERE ${live} AND ${wordStarts} AND NOT (${startsWith})
          AND NOT (SELECT "yes" FROM exact) AND (SELECT count(*) FROM starters) < $4
        GROUP BY "prompt" ORDER BY 3 DESC, 1 LIMIT $4)
       ORDER BY 2 DESC, 3 DESC, 1 LIMIT $4`,
      [ownerId, patterns.startsWith, patterns.wordStartsWith, limit],
    );
    return rows.map((r) => r.prompt);
  }

  /** Rejects when the database does not answer (for `/ready`). */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }
}
