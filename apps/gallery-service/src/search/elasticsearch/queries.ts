import type { estypes } from '@elastic/elasticsearch';
import { AppError, decodeCursor } from '@pingvas/common';
import { initialConsonants, isInitialConsonantQuery } from '../hangul';
import { type SearchDocument, type SearchFilters, type SearchRequest } from '../image-search';

// Request bodies of the Elasticsearch adapter; the field names are the index template's.

/** One image as the index holds it. */
export interface IndexedImage {
  id: string;
  owner_id: string;
  prompt: string;
  prompt_chosung: string;
  negative_prompt: string | null;
  model_id: string;
  board_id: string | null;
  has_board: boolean;
  starred: boolean;
  created_at: string;
}

export type BulkOperation = estypes.BulkOperationContainer | IndexedImage;

export function toIndexedImage(doc: SearchDocument): IndexedImage {
  return {
    id: doc.id,
    owner_id: doc.ownerId,
    prompt: doc.prompt,
    prompt_chosung: initialConsonants(doc.prompt),
    negative_prompt: doc.negativePrompt,
    model_id: doc.modelId,
    board_id: doc.boardId,
    has_board: doc.boardId !== null,
    starred: doc.starred,
    created_at: doc.createdAt,
  };
}

/** Index-or-replace by image id, so sending the same image twice is harmless. */
export function indexOperations(docs: SearchDocument[]): BulkOperation[] {
  return docs.flatMap((doc) => [{ index: { _id: doc.id } }, toIndexedImage(doc)]);
}

export function removeOperations(ids: string[]): BulkOperation[] {
  return ids.map((id) => ({ delete: { _id: id } }));
}

/** Relevance, then newest, then id: a total order, so a cursor never skips or repeats a hit. */
export const SEARCH_SORT: estypes.SortCombinations[] = [
  { _score: { order: 'desc' } },
  { created_at: { order: 'desc' } },
  { id: { order: 'asc' } },
];

/** One page of `request.limit` hits plus one, which only says whether another page exists. */
export function searchBody(index: string, request: SearchRequest): estypes.SearchRequest {
  const after = searchAfter(request.cursor);
  return {
    index,
    size: request.limit + 1,
    track_total_hits: false,
    _source: false,
    query: {
      bool: { filter: filterClauses(request.ownerId, request), must: [textQuery(request.q)] },
    },
    sort: SEARCH_SORT,
    ...(after ? { search_after: after } : {}),
  };
}

/**
 * Distinct prompts with words that begin with the prefix's words (or, for 초성, contain
 * them). The only score is 1 for a prompt that starts with the prefix, so those come first,
 * and the most recently used first within each group, as on PostgreSQL.
 */
export function suggestBody(
  index: string,
  ownerId: string,
  prefix: string,
  limit: number,
): estypes.SearchRequest {
  const chosung = isInitialConsonantQuery(prefix);
  const words = chosung ? 'prompt_chosung' : 'prompt.suggest';
  const whole = chosung ? 'prompt_chosung.keyword' : 'prompt.keyword';
  return {
    index,
    size: limit,
    track_total_hits: false,
    _source: ['prompt'],
    query: {
      bool: {
        filter: [
          { term: { owner_id: ownerId } },
          // A prompt past ignore_above has no keyword, and all of those would collapse into one.
          { exists: { field: 'prompt.keyword' } },
          { match: { [words]: { query: prefix, operator: 'and' } } },
        ],
        should: [{ prefix: { [whole]: { value: prefix, case_insensitive: true } } }],
      },
    },
    collapse: { field: 'prompt.keyword' },
    sort: [{ _score: { order: 'desc' } }, { created_at: { order: 'desc' } }],
  };
}

/** The owner first, always: no query reads another user's images. */
export function filterClauses(
  ownerId: string,
  filters: SearchFilters,
): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [{ term: { owner_id: ownerId } }];
  if (filters.boardId === 'none') clauses.push({ term: { has_board: false } });
  else if (filters.boardId !== undefined) clauses.push({ term: { board_id: filters.boardId } });
  if (filters.starred !== undefined) clauses.push({ term: { starred: filters.starred } });
  if (filters.modelId !== undefined) clauses.push({ term: { model_id: filters.modelId } });
  if (filters.from !== undefined || filters.to !== undefined) {
    clauses.push({
      range: {
        created_at: {
          ...(filters.from !== undefined ? { gte: filters.from } : {}),
          ...(filters.to !== undefined ? { lt: filters.to } : {}),
        },
      },
    });
  }
  return clauses;
}

/**
 * 초성 queries ("ㄱㅇㅇ") match inside the consonant field. Anything else must match every
 * Nori term of the prompt, or begin words of it (the edge-ngram field), which also ranks
 * prefix matches up; "고양이" thus finds "고양이들이" both ways.
 */
export function textQuery(q: string): estypes.QueryDslQueryContainer {
  if (isInitialConsonantQuery(q))
    return { match: { prompt_chosung: { query: q, operator: 'and' } } };
  return {
    bool: {
      should: [
        { match: { prompt: { query: q, operator: 'and', boost: 2 } } },
        { match: { 'prompt.suggest': { query: q, operator: 'and' } } },
      ],
      minimum_should_match: 1,
    },
  };
}

/** The sort values to resume after: [score, created_at millis, id], checked before use. */
export function searchAfter(cursor: string | undefined): estypes.SortResults | undefined {
  const values = decodeCursor(cursor, SEARCH_SORT.length);
  if (!values) return undefined;
  const [score, createdAt, id] = values;
  // Another shape would reach Elasticsearch and come back as a 500, not the caller's 400.
  if (!Number.isFinite(score) || !Number.isSafeInteger(createdAt) || typeof id !== 'string')
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API gave out');
  return [score as number, createdAt as number, id];
}
