import { randomUUID } from 'node:crypto';
import { eventually } from '@pingvas/testing';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { Customer } from '../../../test/support/user-service';

/** The whole way in: a generation by the real worker lands in the gallery and in search. */
describe('gallery: images arrive from generations', () => {
  let stack: GenerationStack;
  let gallery: string;

  beforeAll(async () => {
    stack = await bootGenerationStack({ gallery: true });
    gallery = stack.gallery!.url;
    await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const get = (c: Customer, path: string) =>
    request(gallery).get(path).auth(c.token, { type: 'bearer' });

  it('lists and finds a tiny-model image within 5 s of success; its files are the owner’s alone', async () => {
    const owner = await stack.customer('pro', 100);
    const other = await stack.customer('pro', 100);
    const submitted = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(owner.token, { type: 'bearer' })
      .send({ prompt: '벚꽃 아래 고양이, 수채화', steps: 2, seed: 11, count: 2 })
      .expect(202);
    const done = await stack.waitFor(owner, submitted.body.id, ['succeeded']);
    const succeededAt = Date.parse(String((done.timings as { finishedAt: string }).finishedAt));

    const listed = await eventually(
      async () => {
        const res = await get(owner, '/api/v1/images');
        return res.body.items?.length === 2 ? res.body.items : undefined;
      },
      5_000,
      'images listed',
      50,
    );
    const found = await eventually(
      async () => {
        const res = await get(owner, '/api/v1/search/images?q=고양이');
        return res.body.items?.length === 2 ? res.body.items : undefined;
      },
      5_000,
      'images found',
      50,
    );
    expect(Date.now() - succeededAt).toBeLessThan(5_000 + 1_000);
    // Same ids as the generation's images, and the generation's facts.
    expect(new Set(listed.map((i: { id: string }) => i.id))).toEqual(
      new Set(done.images.map((i) => i.id)),
    );
    expect(found.map((i: { seed: number }) => i.seed).sort()).toEqual([11, 12]);
    expect(listed[0]).toMatchObject({
      generationId: submitted.body.id,
      prompt: '벚꽃 아래 고양이, 수채화',
      model: { name: 'tiny-sd' },
      width: 64,
      height: 64,
      steps: 2,
    });

    const [image] = listed;
    const file = await get(owner, `/api/v1/images/${image.id}/file`).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    const thumb = await get(owner, `/api/v1/images/${image.id}/thumbnail`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    await get(other, `/api/v1/images/${image.id}/file`).expect(404);
    await get(other, `/api/v1/images/${image.id}/thumbnail`).expect(404);
    await get(other, `/api/v1/images/${image.id}`).expect(404);
    expect((await get(other, '/api/v1/search/images?q=고양이').expect(200)).body.items).toEqual([]);

    // Another user's signed URL never opens this image.
    const mine = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(other.token, { type: 'bearer' })
      .send({ prompt: 'other', steps: 1 })
      .expect(202);
    const theirs = await stack.waitFor(other, mine.body.id, ['succeeded']);
    const theirUrl = await eventually(
      async () =>
        (await get(other, `/api/v1/images/${theirs.images[0].id}`)).body.urls?.file as
          string | undefined,
      5_000,
      'their image in the gallery',
      50,
    );
    await request(gallery).get(theirUrl.replace(theirs.images[0].id, image.id)).expect(404);
    await request(gallery).get(theirUrl).expect(200);
  });

  const board = async (c: Customer, name: string): Promise<string> =>
    (
      await request(gallery)
        .post('/api/v1/boards')
        .auth(c.token, { type: 'bearer' })
        .send({ name })
        .expect(201)
    ).body.id;

  it('puts a generation for one of your boards on that board', async () => {
    const owner = await stack.customer('pro', 100);
    const boardId = await board(owner, 'mine');
    const submitted = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(owner.token, { type: 'bearer' })
      .send({ prompt: 'on my board', steps: 1, boardId })
      .expect(202);
    await stack.waitFor(owner, submitted.body.id, ['succeeded']);
    const onBoard = await eventually(
      async () => {
        const res = await get(owner, `/api/v1/images?boardId=${boardId}`);
        return res.body.items?.length === 1 ? res.body.items : undefined;
      },
      5_000,
      'the image on the board',
      50,
    );
    expect(onBoard[0]).toMatchObject({ generationId: submitted.body.id, boardId });
  });

  it("refuses a generation for another user's board with 404 BOARD_NOT_FOUND, storing and reserving nothing", async () => {
    const owner = await stack.customer('pro', 100);
    const stranger = await stack.customer('pro', 100);
    const theirBoard = await board(owner, 'not yours');
    const res = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(stranger.token, { type: 'bearer' })
      .send({ prompt: 'on their board', steps: 1, boardId: theirBoard })
      .expect(404);
    expect(res.body.code).toBe('BOARD_NOT_FOUND');
    const missing = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(stranger.token, { type: 'bearer' })
      .send({ prompt: 'on no such board', steps: 1, boardId: randomUUID() })
      .expect(404);
    expect(missing.body.code).toBe('BOARD_NOT_FOUND');
    expect(
      await stack.sql(`SELECT "id" FROM "generations" WHERE "user_id" = $1`, [stranger.userId]),
    ).toEqual([]);
    expect(await stack.balance(stranger)).toEqual({ available: 100, reserved: 0 });
  });
});
