import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueNames } from '@pingvas/contracts';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { RunningWorker } from '../../../test/support/gpu-worker';
import { ledgerMismatches } from '../../../test/support/payment-service';
import type { Customer } from '../../../test/support/user-service';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('generations: submit, run, settle', () => {
  let stack: GenerationStack;
  let worker: RunningWorker;

  beforeAll(async () => {
    stack = await bootGenerationStack();
    worker = await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(async () => {
    expect(await ledgerMismatches(stack.payment)).toEqual([]);
  });

  const submit = (c: Customer, body: object, key?: string) => {
    const req = request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' });
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };

  it('runs a job to succeeded, stores its PNGs, captures the cost and hands the images to the gallery', async () => {
    const c = await stack.customer('pro', 500);
    const res = await submit(c, {
      prompt: '창가의 고양이',
      width: 64,
      height: 128,
      steps: 3,
      seed: 7,
      count: 2,
    }).expect(202);
    expect(res.body).toMatchObject({
      status: 'queued',
      cost: 2 * (1 + 3),
      queue: 'gen-pro',
    });
    expect(typeof res.body.position).toBe('number');

    const done = await stack.waitFor(c, res.body.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toEqual({ step: 6, steps: 6 });
    expect(done.images.map((i) => [i.index, i.width, i.height, i.seed])).toEqual([
      [0, 64, 128, 7],
      [1, 64, 128, 8],
    ]);
    expect(done.timings).toMatchObject({
      queuedAt: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    for (const index of [0, 1]) {
      const file = join(stack.storageDir, 'images', c.userId, res.body.id, `${index}.png`);
      expect((await readFile(file)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }

    expect(await stack.settledBalance(c)).toEqual({ available: 500 - 8, reserved: 0 });

    const ingest = await stack.queue(QueueNames.galleryIngest).getJob(`ingest-${res.body.id}`);
    expect(ingest?.data).toMatchObject({
      ownerId: c.userId,
      generationId: res.body.id,
      prompt: '창가의 고양이',
      images: [
        { index: 0, storageKey: `images/${c.userId}/${res.body.id}/0.png` },
        { index: 1, storageKey: `images/${c.userId}/${res.body.id}/1.png` },
      ],
    });
  });

  it('refuses a job the balance cannot pay with 402, queues nothing and holds nothing', async () => {
    const c = await stack.customer('pro', 100);
    // 4 images of 30 steps: 4 × (1 + 30) = 124 credits.
    const res = await submit(c, { prompt: 'a cat', steps: 30, count: 4 }).expect(402);
    expect(res.body.code).toBe('INSUFFICIENT_CREDITS');
    expect(await stack.balance(c)).toEqual({ available: 100, reserved: 0 });
    const [row] = await stack.sql<{ id: string; status: string }>(
      `SELECT "id", "status" FROM "generations" WHERE "user_id" = $1`,
      [c.userId],
    );
    expect(row.status).toBe('rejected');
    expect(await stack.queue('gen-pro').getJob(row.id)).toBeUndefined();
  });

  it('answers ten parallel submissions with one Idempotency-Key as one generation, charged once', async () => {
    const c = await stack.customer('pro', 100);
    const body = { prompt: 'one of ten', steps: 2, seed: 1 };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => submit(c, body, 'same-key-10')),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const id = answers[0].body.id;
    await stack.waitFor(c, id, ['succeeded']);
    expect(await stack.settledBalance(c)).toEqual({ available: 100 - 3, reserved: 0 });
    const rows = await stack.sql(`SELECT 1 FROM "generations" WHERE "user_id" = $1`, [c.userId]);
    expect(rows).toHaveLength(1);

    const mismatch = await submit(c, { ...body, prompt: 'another body' }, 'same-key-10').expect(
      422,
    );
    expect(mismatch.body.code).toBe('IDEMPOTENCY_MISMATCH');
  });

  it.each([
    ['no prompt', {}],
    ['a blank prompt', { prompt: '   ' }],
    ['a prompt of 2001 characters', { prompt: 'x'.repeat(2001) }],
    ['a prompt that is not a string', { prompt: ['a'] }],
    ['a width that is not a multiple of 8', { prompt: 'a', width: 100 }],
    ['a width past the model', { prompt: 'a', width: 1024, height: 64 }],
    ['steps past the model', { prompt: 'a', steps: 51 }],
    ['a string for steps', { prompt: 'a', steps: '4' }],
    ['a negative seed', { prompt: 'a', seed: -1 }],
    ['a seed past 2^32 - 1', { prompt: 'a', seed: 2 ** 32 }],
    ['a fractional seed', { prompt: 'a', seed: 1.5 }],
    ['a guidance scale of NaN', { prompt: 'a', guidanceScale: 'NaN' }],
    ['a count past the plan', { prompt: 'a', count: 5 }],
    ['an unknown field', { prompt: 'a', sampler: 'ddim' }],
    ['a board id that is not a uuid', { prompt: 'a', boardId: '../x' }],
    ['an unknown model', { prompt: 'a', modelId: 'no-such-model' }],
  ])('answers %s with a 4xx code and changes nothing', async (_what, body) => {
    const c = await stack.customer('pro', 100);
    const res = await submit(c, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.code).toMatch(/^[A-Z_]+$/);
    expect(await stack.balance(c)).toEqual({ available: 100, reserved: 0 });
    expect(await stack.sql(`SELECT 1 FROM "generations" WHERE "user_id" = $1`, [c.userId])).toEqual(
      [],
    );
  });

  it('refuses a size or a count past the plan, naming the plan', async () => {
    await stack.payment.sql(`UPDATE "plans" SET "max_side" = 128 WHERE "id" = 'starter'`);
    const starter = await stack.customer('starter', 100);
    const size = await submit(starter, { prompt: 'a', width: 256, height: 64 }).expect(400);
    expect(size.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'width must be at most 128 on the starter plan',
    });
    const free = await stack.customer('free');
    const count = await submit(free, { prompt: 'a', count: 2 }).expect(400);
    expect(count.body.message).toBe('count must be at most 1 on the free plan');
    expect(await stack.balance(free)).toEqual({ available: 100, reserved: 0 });
  });

  it('hides other users’ generations: get, cancel and events are 404', async () => {
    const owner = await stack.customer('pro', 100);
    const stranger = await stack.customer('pro', 100);
    const { body } = await submit(owner, { prompt: 'mine', steps: 1 }).expect(202);
    for (const req of [
      request(stack.generation.url).get(`/api/v1/generations/${body.id}`),
      request(stack.generation.url).post(`/api/v1/generations/${body.id}/cancel`),
      request(stack.generation.url).get(`/api/v1/generations/${body.id}/events`),
    ]) {
      const res = await req.auth(stranger.token, { type: 'bearer' }).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const bad = await request(stack.generation.url)
      .get('/api/v1/generations/not-a-uuid')
      .auth(owner.token, { type: 'bearer' })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    await request(stack.generation.url).get(`/api/v1/generations/${body.id}`).expect(401);
    await stack.waitFor(owner, body.id, ['succeeded']);
  });

  it('answers 409 ALREADY_FINISHED to a cancel after the job succeeded, and charges it', async () => {
    const c = await stack.customer('pro', 100);
    const { body } = await submit(c, { prompt: 'done', steps: 2 }).expect(202);
    await stack.waitFor(c, body.id, ['succeeded']);
    const res = await request(stack.generation.url)
      .post(`/api/v1/generations/${body.id}/cancel`)
      .auth(c.token, { type: 'bearer' })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'ALREADY_FINISHED', details: { status: 'succeeded' } });
    expect(await stack.settledBalance(c)).toEqual({ available: 97, reserved: 0 });
  });

  it('lists own generations newest first, page by page, filtered by status', async () => {
    const c = await stack.customer('enterprise', 1000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await submit(c, { prompt: `page ${i}`, steps: 1 }).expect(202);
      ids.push(body.id);
    }
    for (const id of ids) await stack.waitFor(c, id, ['succeeded']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(stack.generation.url)
        .get('/api/v1/generations')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .auth(c.token, { type: 'bearer' })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const failed = await request(stack.generation.url)
      .get('/api/v1/generations')
      .query({ status: 'failed' })
      .auth(c.token, { type: 'bearer' })
      .expect(200);
    expect(failed.body.items).toEqual([]);
    for (const query of [{ limit: 0 }, { limit: 101 }, { status: 'done' }, { cursor: '%%%' }]) {
      const res = await request(stack.generation.url)
        .get('/api/v1/generations')
        .query(query)
        .auth(c.token, { type: 'bearer' })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const forged = Buffer.from('yesterday|x').toString('base64url');
    await request(stack.generation.url)
      .get('/api/v1/generations')
      .query({ cursor: forged })
      .auth(c.token, { type: 'bearer' })
      .expect(400);
  });

  it('exports the wait and run time of jobs by tier from the worker', async () => {
    const metrics = await request(worker.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/generation_wait_seconds_count\{tier="pro"\} [1-9]/);
    expect(metrics.text).toMatch(/generation_duration_seconds_count\{tier="pro"\} [1-9]/);
  });

  it('exports the business figures: submissions and outcomes by tier, active users, credits spent and granted', async () => {
    const generation = (await request(stack.generation.url).get('/metrics').expect(200)).text;
    expect(generation).toMatch(/generations_submitted_total\{tier="pro"\} [1-9]/);
    expect(generation).toMatch(/generations_finished_total\{tier="pro",status="succeeded"\} [1-9]/);
    expect(generation).toMatch(/generations_finished_total\{tier="pro",status="rejected"\} 1\b/);
    expect(generation).toMatch(/active_users\{window="24h"\} [1-9]/);
    const payment = (await request(stack.payment.url).get('/metrics').expect(200)).text;
    expect(payment).toMatch(/credits_captured_total\{tier="pro"\} [1-9]/);
    expect(payment).toMatch(/credits_granted_total\{reason="signup"\} [1-9]/);
    expect(payment).toMatch(/credits_granted_total\{reason="admin"\} [1-9]/);
  });
});
