import type { estypes } from '@elastic/elasticsearch';
import { AppError, encodeCursor } from '@pingvas/common';
import { type SearchDocument, type SearchRequest } from '../image-search';
import {
  indexOperations,
  removeOperations,
  searchBody,
  suggestBody,
  toIndexedImage,
} from './queries';

const OWNER = '0b8f6a51-0000-4000-8000-000000000001';
const BOARD = '0b8f6a51-0000-4000-8000-0000000000b1';
const INDEX = 'pingvas-test-images';

function request(overrides: Partial<SearchRequest> = {}): SearchRequest {
  return { ownerId: OWNER, q: 'cat', limit: 20, ...overrides };
}

function filtersOf(body: estypes.SearchRequest): estypes.QueryDslQueryContainer[] {
  return body.query!.bool!.filter as estypes.QueryDslQueryContainer[];
}

function mustOf(body: estypes.SearchRequest): estypes.QueryDslQueryContainer[] {
  return body.query!.bool!.must as estypes.QueryDslQueryContainer[];
}

function validationCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('searchBody', () => {
  it('filters by the owner when no other filter is given', () => {
    expect(filtersOf(searchBody(INDEX, request()))).toEqual([{ term: { owner_id: OWNER } }]);
  });

  it('filters by the owner first when every other filter is given too', () => {
    const body = searchBody(
      INDEX,
      request({
        boardId: BOARD,
        starred: true,
        modelId: 'tiny-sd',
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-02-01T00:00:00.000Z',
      }),
    );
    expect(filtersOf(body)).toEqual([
      { term: { owner_id: OWNER } },
      { term: { board_id: BOARD } },
      { term: { starred: true } },
      { term: { model_id: 'tiny-sd' } },
      {
        range: { created_at: { gte: '2025-01-01T00:00:00.000Z', lt: '2025-02-01T00:00:00.000Z' } },
      },
    ]);
  });

  it("finds images on no board for the board 'none'", () => {
    const filters = filtersOf(searchBody(INDEX, request({ boardId: 'none' })));
    expect(filters).toContainEqual({ term: { has_board: false } });
    expect(JSON.stringify(filters)).not.toContain('board_id');
  });

  it('keeps a starred filter of false', () => {
    expect(filtersOf(searchBody(INDEX, request({ starred: false })))).toContainEqual({
      term: { starred: false },
    });
  });

  it('bounds the date range on the side given: from inclusive, to exclusive', () => {
    const from = '2025-01-01T00:00:00.000Z';
    expect(filtersOf(searchBody(INDEX, request({ from }))).at(-1)).toEqual({
      range: { created_at: { gte: from } },
    });
    expect(filtersOf(searchBody(INDEX, request({ to: from }))).at(-1)).toEqual({
      range: { created_at: { lt: from } },
    });
  });

  it('matches initial consonants on the 초성 field only, every word required', () => {
    expect(mustOf(searchBody(INDEX, request({ q: 'ㄱㅇㅇ ㅈㅇ' })))).toEqual([
      { match: { prompt_chosung: { query: 'ㄱㅇㅇ ㅈㅇ', operator: 'and' } } },
    ]);
  });

  it('matches other text on the Korean field or on word prefixes, every term required', () => {
    const [text] = mustOf(searchBody(INDEX, request({ q: '귀여운 고양이' })));
    const should = text.bool!.should as estypes.QueryDslQueryContainer[];
    expect(text.bool!.minimum_should_match).toBe(1);
    expect(should).toContainEqual({
      match: { prompt: { query: '귀여운 고양이', operator: 'and', boost: 2 } },
    });
    expect(should).toContainEqual({
      match: { 'prompt.suggest': { query: '귀여운 고양이', operator: 'and' } },
    });
    expect(JSON.stringify(text)).not.toContain('prompt_chosung');
    expect(JSON.stringify(text)).not.toContain('negative_prompt');
  });

  it('asks for one hit more than the page, ids only, in a total order', () => {
    const body = searchBody(INDEX, request({ limit: 5 }));
    expect(body.index).toBe(INDEX);
    expect(body.size).toBe(6);
    expect(body._source).toBe(false);
    expect(body.sort).toEqual([
      { _score: { order: 'desc' } },
      { created_at: { order: 'desc' } },
      { id: { order: 'asc' } },
    ]);
    expect(body).not.toHaveProperty('search_after');
  });

  it('resumes after the sort values a cursor carries', () => {
    const cursor = encodeCursor([1.75, 1735689600000, 'image-7']);
    expect(searchBody(INDEX, request({ cursor })).search_after).toEqual([
      1.75,
      1735689600000,
      'image-7',
    ]);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['JSON that is no array', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    ['too few values', encodeCursor([1.75, 1735689600000])],
    ['values of the wrong types', encodeCursor(['1.75', 1735689600000, 'image-7'])],
    ['a fractional time', encodeCursor([1.75, 1.5, 'image-7'])],
    ['an id that is no string', encodeCursor([1.75, 1735689600000, 7])],
  ])('refuses a cursor of %s with VALIDATION_FAILED', (_, cursor) => {
    expect(validationCode(() => searchBody(INDEX, request({ cursor })))).toBe('VALIDATION_FAILED');
  });
});

describe('suggestBody', () => {
  const body = suggestBody(INDEX, OWNER, 'A bla', 5);

  it('reads only the owner’s prompts that have a keyword to collapse on', () => {
    expect(filtersOf(body).slice(0, 2)).toEqual([
      { term: { owner_id: OWNER } },
      { exists: { field: 'prompt.keyword' } },
    ]);
  });

  it('keeps prompts with words that begin with the prefix’s words', () => {
    expect(filtersOf(body)[2]).toEqual({
      match: { 'prompt.suggest': { query: 'A bla', operator: 'and' } },
    });
    expect(body.query!.bool!.must).toBeUndefined();
  });

  it('scores only a prompt that starts with the prefix, then sorts newest first', () => {
    expect(body.query!.bool!.should).toEqual([
      { prefix: { 'prompt.keyword': { value: 'A bla', case_insensitive: true } } },
    ]);
    expect(body.sort).toEqual([{ _score: { order: 'desc' } }, { created_at: { order: 'desc' } }]);
  });

  it('answers distinct prompts, at most the limit', () => {
    expect(body.collapse).toEqual({ field: 'prompt.keyword' });
    expect(body.size).toBe(5);
    expect(body._source).toEqual(['prompt']);
  });

  it('completes initial consonants on the 초성 field', () => {
    const chosung = suggestBody(INDEX, OWNER, 'ㄱㅇ', 5);
    expect(filtersOf(chosung)).toContainEqual({
      match: { prompt_chosung: { query: 'ㄱㅇ', operator: 'and' } },
    });
    expect(chosung.query!.bool!.should).toEqual([
      { prefix: { 'prompt_chosung.keyword': { value: 'ㄱㅇ', case_insensitive: true } } },
    ]);
    expect(JSON.stringify(chosung.query)).not.toContain('prompt.suggest');
  });
});

describe('bulk operations', () => {
  const doc: SearchDocument = {
    id: 'image-1',
    ownerId: OWNER,
    prompt: '창가에 앉아 있는 귀여운 고양이',
    negativePrompt: 'blurry',
    modelId: 'tiny-sd',
    modelName: 'Tiny SD',
    boardId: null,
    starred: false,
    createdAt: '2025-01-01T00:00:00.000Z',
  };

  it('indexes each image under its id with the 초성 form and the board flag', () => {
    expect(indexOperations([doc])).toEqual([
      { index: { _id: 'image-1' } },
      {
        id: 'image-1',
        owner_id: OWNER,
        prompt: '창가에 앉아 있는 귀여운 고양이',
        prompt_chosung: 'ㅊㄱㅇ ㅇㅇ ㅇㄴ ㄱㅇㅇ ㄱㅇㅇ',
        negative_prompt: 'blurry',
        model_id: 'tiny-sd',
        board_id: null,
        has_board: false,
        starred: false,
        created_at: '2025-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('says an image on a board has one', () => {
    expect(toIndexedImage({ ...doc, boardId: BOARD })).toMatchObject({
      board_id: BOARD,
      has_board: true,
    });
  });

  it('deletes by id', () => {
    expect(removeOperations(['a', 'b'])).toEqual([
      { delete: { _id: 'a' } },
      { delete: { _id: 'b' } },
    ]);
  });
});
