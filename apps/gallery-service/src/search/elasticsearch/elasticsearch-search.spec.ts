import { decodeCursor } from '@pingvas/common';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchStandIn } from '@pingvas/testing';
import { type SearchDocument } from '../image-search';
import { ElasticsearchImageSearch } from './elasticsearch-search';

const ALIAS = 'pingvas-test-images';
const OWNER = '0b8f6a51-0000-4000-8000-000000000001';

function image(id: string, prompt: string, boardId: string | null = null): SearchDocument {
  return {
    id,
    ownerId: OWNER,
    prompt,
    negativePrompt: null,
    modelId: 'tiny-sd',
    modelName: 'Tiny SD',
    boardId,
    starred: false,
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

async function* batches(...lists: SearchDocument[][]): AsyncIterable<SearchDocument[]> {
  for (const list of lists) yield list;
}

describe('ElasticsearchImageSearch', () => {
  let es: ElasticsearchStandIn;
  let url: string;
  let client: Client;
  let search: ElasticsearchImageSearch;

  beforeEach(async () => {
    es = new ElasticsearchStandIn();
    url = await es.start();
    client = new Client({ node: url, maxRetries: 0 });
    search = new ElasticsearchImageSearch({ client, alias: ALIAS });
  });

  afterEach(async () => {
    await client.close();
    await es.stop();
  });

  /** An alias already in place, as ensureIndex leaves it. */
  function existingIndex(index = `${ALIAS}-v1`): void {
    es.indices.add(index);
    es.aliases.set(ALIAS, new Set([index]));
  }

  /** The adapter as it is after a successful boot, with nothing recorded yet. */
  async function ready(): Promise<void> {
    existingIndex();
    await search.ensureIndex();
    es.requests.length = 0;
  }

  it('puts the template, then creates the first index with the alias on a new cluster', async () => {
    await search.ensureIndex();

    expect(es.calls()).toEqual([
      `PUT /_index_template/${ALIAS}`,
      `HEAD /_alias/${ALIAS}`,
      `PUT /${ALIAS}-v1`,
    ]);
    const template = es.requests[0].body as { index_patterns: string[]; template: object };
    expect(template.index_patterns).toEqual([`${ALIAS}-v*`]);
    expect(template.template).toMatchObject({
      mappings: { dynamic: 'strict' },
      settings: { analysis: { tokenizer: { korean_tokenizer: { type: 'nori_tokenizer' } } } },
    });
    expect(es.requests[2].body).toEqual({ aliases: { [ALIAS]: {} } });
  });

  it('leaves an existing alias alone', async () => {
    existingIndex(`${ALIAS}-v42`);
    await search.ensureIndex();
    expect(es.calls()).toEqual([`PUT /_index_template/${ALIAS}`, `HEAD /_alias/${ALIAS}`]);
  });

  it('accepts the first index another replica created a moment earlier', async () => {
    es.indices.add(`${ALIAS}-v1`);
    await expect(search.ensureIndex()).resolves.toBeUndefined();
  });

  it('indexes through the alias as NDJSON, with the 초성 form, without waiting for a refresh', async () => {
    await ready();
    await search.index([image('image-1', '귀여운 고양이'), image('image-2', 'A Black Cat', 'b-1')]);

    const [bulk] = es.requests;
    expect(`${bulk.method} ${bulk.path}`).toBe(`POST /${ALIAS}/_bulk`);
    expect(bulk.contentType).toContain('ndjson');
    expect(bulk.query).toMatchObject({ require_alias: 'true', refresh: 'false' });
    const lines = bulk.body as Array<Record<string, unknown>>;
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ index: { _id: 'image-1' } });
    expect(lines[1]).toMatchObject({
      id: 'image-1',
      owner_id: OWNER,
      prompt: '귀여운 고양이',
      prompt_chosung: 'ㄱㅇㅇ ㄱㅇㅇ',
      has_board: false,
    });
    expect(lines[3]).toMatchObject({
      prompt_chosung: 'a black cat',
      board_id: 'b-1',
      has_board: true,
    });
  });

  it('rejects when any bulk item failed, so the indexing queue retries', async () => {
    await ready();
    es.bulkReply = () => ({
      body: {
        took: 1,
        errors: true,
        items: [
          { index: { _id: 'image-1', status: 201 } },
          {
            index: {
              _id: 'image-2',
              status: 429,
              error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
            },
          },
        ],
      },
    });

    await expect(search.index([image('image-1', 'a'), image('image-2', 'b')])).rejects.toThrow(
      /1 of 2 .*image-2: es_rejected_execution_exception queue full/,
    );
  });

  it('sends nothing for an empty list', async () => {
    await ready();
    await search.index([]);
    await search.remove([]);
    expect(es.requests).toEqual([]);
  });

  it('deletes by id and takes a missing document as removed', async () => {
    await ready();
    es.bulkReply = () => ({
      body: {
        took: 1,
        errors: false,
        items: [
          { delete: { _id: 'image-1', status: 200, result: 'deleted' } },
          { delete: { _id: 'gone', status: 404, result: 'not_found' } },
        ],
      },
    });

    await search.remove(['image-1', 'gone']);
    expect(es.requests[0].body).toEqual([
      { delete: { _id: 'image-1' } },
      { delete: { _id: 'gone' } },
    ]);
  });

  it('removes every document of an owner by query, after a refresh so none just indexed escapes', async () => {
    await ready();
    await search.removeOwner(OWNER);
    expect(es.calls()).toEqual([`GET /${ALIAS}/_refresh`, `POST /${ALIAS}/_delete_by_query`]);
    expect(es.requests[1].query).toMatchObject({ conflicts: 'proceed', refresh: 'true' });
    expect(es.requests[1].body).toEqual({ query: { term: { owner_id: OWNER } } });
  });

  it('answers the ids of a page and a cursor at its last hit when more hits exist', async () => {
    await ready();
    es.searchHits = () => [
      {
        _index: `${ALIAS}-v1`,
        _id: 'image-3',
        _score: null,
        sort: [2.5, 1735689600000, 'image-3'],
      },
      {
        _index: `${ALIAS}-v1`,
        _id: 'image-1',
        _score: null,
        sort: [2.5, 1735603200000, 'image-1'],
      },
      {
        _index: `${ALIAS}-v1`,
        _id: 'image-2',
        _score: null,
        sort: [1.25, 1735689600000, 'image-2'],
      },
    ];

    const page = await search.search({ ownerId: OWNER, q: '고양이', limit: 2, starred: true });

    expect(page.ids).toEqual(['image-3', 'image-1']);
    expect(decodeCursor(page.nextCursor!, 3)).toEqual([2.5, 1735603200000, 'image-1']);
    const [sent] = es.requests;
    expect(`${sent.method} ${sent.path}`).toBe(`POST /${ALIAS}/_search`);
    expect(sent.body).toMatchObject({
      size: 3,
      _source: false,
      query: { bool: { filter: [{ term: { owner_id: OWNER } }, { term: { starred: true } }] } },
    });
  });

  it('resumes from a cursor and answers no cursor on the last page', async () => {
    await ready();
    es.searchHits = () => [
      {
        _index: `${ALIAS}-v1`,
        _id: 'image-2',
        _score: null,
        sort: [1.25, 1735689600000, 'image-2'],
      },
    ];
    const first = [2.5, 1735603200000, 'image-1'];
    const cursor = Buffer.from(JSON.stringify(first)).toString('base64url');

    const page = await search.search({ ownerId: OWNER, q: 'ㄱㅇㅇ', limit: 2, cursor });

    expect(page).toEqual({ ids: ['image-2'], nextCursor: null });
    expect(es.requests[0].body).toMatchObject({
      search_after: first,
      query: { bool: { must: [{ match: { prompt_chosung: { query: 'ㄱㅇㅇ' } } }] } },
    });
  });

  it('refuses a cursor it did not give out before calling Elasticsearch', async () => {
    await expect(
      search.search({ ownerId: OWNER, q: 'a', limit: 2, cursor: 'bm9wZQ' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(es.requests).toEqual([]);
  });

  it('suggests the collapsed prompts of the owner', async () => {
    await ready();
    es.searchHits = () => [
      { _index: `${ALIAS}-v1`, _id: 'a', _source: { prompt: '고양이들이 노는 정원' } },
      { _index: `${ALIAS}-v1`, _id: 'b', _source: { prompt: '창가의 고양이' } },
    ];

    await expect(search.suggest(OWNER, '고양', 5)).resolves.toEqual([
      '고양이들이 노는 정원',
      '창가의 고양이',
    ]);
    expect(es.requests[0].body).toMatchObject({
      size: 5,
      collapse: { field: 'prompt.keyword' },
      query: {
        bool: {
          filter: [
            { term: { owner_id: OWNER } },
            expect.anything(),
            { match: { 'prompt.suggest': { query: '고양', operator: 'and' } } },
          ],
        },
      },
    });
  });

  it('pings the cluster, and rejects when nothing answers', async () => {
    await ready();
    await expect(search.ping()).resolves.toBeUndefined();
    expect(es.calls()).toEqual(['HEAD /']);

    await es.stop();
    await expect(search.ping()).rejects.toThrow();
  });

  it('rebuilds into a new index, then swaps the alias in one step and deletes the old index', async () => {
    existingIndex();

    const result = await search.rebuild(
      batches([image('a', '고양이'), image('b', '강아지')], [], [image('c', '정원')]),
    );

    expect(result).toEqual({ indexed: 3 });
    const created = es.requests.find(
      (r) => r.method === 'PUT' && r.path.startsWith(`/${ALIAS}-v`),
    )!;
    const index = created.path.slice(1);
    expect(index).toMatch(new RegExp(`^${ALIAS}-v\\d{13}$`));
    expect(created.body).toBeUndefined();
    expect(es.calls()).toEqual([
      `PUT /_index_template/${ALIAS}`,
      `PUT /${index}`,
      `POST /${index}/_bulk`,
      `POST /${index}/_bulk`,
      `GET /${index}/_refresh`,
      `HEAD /_alias/${ALIAS}`,
      `GET /_alias/${ALIAS}`,
      'POST /_aliases',
      `DELETE /${ALIAS}-v1`,
    ]);
    const loaded = es.requests.filter((r) => r.path.endsWith('/_bulk'));
    expect(loaded.map((r) => (r.body as unknown[]).length)).toEqual([4, 2]);
    expect(loaded[0].query).not.toHaveProperty('require_alias');
    expect(es.requests.find((r) => r.path === '/_aliases')!.body).toEqual({
      actions: [
        { remove: { index: `${ALIAS}-v1`, alias: ALIAS } },
        { add: { index, alias: ALIAS } },
      ],
    });
    expect(es.aliases.get(ALIAS)).toEqual(new Set([index]));
    expect(es.indices).toEqual(new Set([index]));
  });

  it('deletes its half-built index and keeps the alias when loading fails', async () => {
    existingIndex();
    es.bulkReply = () => ({
      body: {
        took: 1,
        errors: true,
        items: [{ index: { _id: 'a', status: 400, error: { type: 'mapper_parsing_exception' } } }],
      },
    });

    await expect(search.rebuild(batches([image('a', '고양이')]))).rejects.toThrow(
      /mapper_parsing_exception/,
    );

    expect(es.calls().at(-1)).toMatch(new RegExp(`^DELETE /${ALIAS}-v\\d{13}$`));
    expect(es.calls()).not.toContain('POST /_aliases');
    expect(es.aliases.get(ALIAS)).toEqual(new Set([`${ALIAS}-v1`]));
    expect(es.indices).toEqual(new Set([`${ALIAS}-v1`]));
  });

  it('puts the template and the alias once per process', async () => {
    await search.ensureIndex();
    await search.index([image('image-1', '고양이')]);
    await search.search({ ownerId: OWNER, q: '고양이', limit: 10 });

    expect(es.calls()).toEqual([
      `PUT /_index_template/${ALIAS}`,
      `HEAD /_alias/${ALIAS}`,
      `PUT /${ALIAS}-v1`,
      `POST /${ALIAS}/_bulk`,
      `POST /${ALIAS}/_search`,
    ]);
  });

  it('makes the index on the next ping when Elasticsearch was not ready at boot', async () => {
    es.unavailable = true;
    await expect(search.ensureIndex()).rejects.toThrow();
    await expect(search.ping()).rejects.toThrow();

    es.unavailable = false;
    es.requests.length = 0;
    await expect(search.ping()).resolves.toBeUndefined();

    expect(es.calls()).toEqual([
      'HEAD /',
      `PUT /_index_template/${ALIAS}`,
      `HEAD /_alias/${ALIAS}`,
      `PUT /${ALIAS}-v1`,
    ]);
    expect(es.aliases.get(ALIAS)).toEqual(new Set([`${ALIAS}-v1`]));
  });

  it('connects with a client of its own', async () => {
    existingIndex();
    const connected = ElasticsearchImageSearch.connect(url, ALIAS);
    await expect(connected.ping()).resolves.toBeUndefined();
    expect(connected.backend).toBe('elasticsearch');
  });
});
