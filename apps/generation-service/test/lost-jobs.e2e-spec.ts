import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type GenerationFinishedMessage,
  generationFinishedJobId,
  GenerationResultNames,
  imageStorageKey,
  QueueNames,
} from '@pingvas/contracts';
import { LocalDiskStorage } from '@pingvas/storage';
import { eventually } from '@pingvas/testing';
import sharp from 'sharp';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import { ledgerMismatches } from '../../../test/support/payment-service';
import type { Customer } from '../../../test/support/user-service';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#4080c0' } })
    .png()
    .toBuffer();

/**
 * Jobs Redis lost (its data gone, the job removed) while no worker runs, with the sweeper's
 * grace at its production default (60 s): what the user is told, what they pay, and what is
 * left in the blob store.
 */
describe('generations whose job Redis lost', () => {
  let stack: GenerationStack;
  let storage: LocalDiskStorage;

  beforeAll(async () => {
    stack = await bootGenerationStack({
      gallery: true,
      generationEnv: { GENERATION_SWEEP_GRACE_MS: '60000', GENERATION_SWEEP_INTERVAL_MS: '300' },
    });
    storage = new LocalDiskStorage(stack.storageDir);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(async () => {
    expect(await ledgerMismatches(stack.payment)).toEqual([]);
  });

  const submit = (c: Customer, body: object) =>
    request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send(body);

  const settlements = (generationId: string) =>
    stack.payment.sql<{ kind: string }>(
      `SELECT "kind" FROM "credit_ledger" WHERE "reference" = $1 AND "kind" IN ('capture', 'release')`,
      [generationId],
    );

  const fileExists = (key: string) =>
    stat(join(stack.storageDir, key)).then(
      () => true,
      () => false,
    );

  /** Redis forgets the job; the row says it was queued long enough ago for the sweeper. */
  async function loseJob(tier: string, id: string): Promise<void> {
    await stack.queue(QueueNames.tier(tier as 'free')).remove(id);
    await stack.sql(
      `UPDATE "generations" SET "updated_at" = now() - interval '2 minutes' WHERE "id" = $1`,
      [id],
    );
  }

  it('lets a free user submit again at once when Redis lost their queued job, instead of 429 until the grace ends', async () => {
    const c = await stack.customer('free');
    const first = await submit(c, { prompt: '잃어버린 고양이', steps: 1 }).expect(202);
    await stack.queue(QueueNames.tier('free')).remove(first.body.id);

    const second = await submit(c, { prompt: '다시 고양이', steps: 1 });
    expect([second.status, second.body.code]).toEqual([202, undefined]);
    const lost = await stack.waitFor(c, first.body.id, ['failed']);
    expect(lost.error?.code).toBe('JOB_LOST');
    expect(await settlements(first.body.id)).toEqual([{ kind: 'release' }]);
    const cost: number = second.body.cost;
    expect(await stack.balance(c)).toEqual({ available: 100 - cost, reserved: cost });
  });

  it('adopts a lost job whose images were all written: succeeded, charged once, in the gallery', async () => {
    const c = await stack.customer('starter', 100);
    const { body } = await submit(c, { prompt: '바다 위의 등대', steps: 2, count: 2, seed: 7 });
    expect(body.status).toBe('queued');
    for (const index of [0, 1])
      await storage.put(imageStorageKey(c.userId, body.id, index), await png(64, 64));
    await loseJob('starter', body.id);

    const done = await stack.waitFor(c, body.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.images).toEqual([
      expect.objectContaining({ index: 0, width: 64, height: 64, seed: 7 }),
      expect.objectContaining({ index: 1, width: 64, height: 64, seed: 8 }),
    ]);
    expect(await stack.settledBalance(c)).toEqual({ available: 100 - body.cost, reserved: 0 });
    expect(await settlements(body.id)).toEqual([{ kind: 'capture' }]);
    const gallery = await eventually(
      async () => {
        const res = await request(stack.gallery!.url)
          .get('/api/v1/images')
          .auth(c.token, { type: 'bearer' });
        return res.body.items?.length === 2 ? res.body.items : undefined;
      },
      15_000,
      'adopted images in the gallery',
    );
    expect(gallery.map((i: { prompt: string }) => i.prompt)).toEqual([
      '바다 위의 등대',
      '바다 위의 등대',
    ]);
  });

  it('fails a lost job with only part of its images, removes them and releases its credits', async () => {
    const c = await stack.customer('starter', 100);
    const { body } = await submit(c, { prompt: '반쯤 그린 그림', steps: 2, count: 2 });
    const written = imageStorageKey(c.userId, body.id, 0);
    await storage.put(written, await png(64, 64));
    await loseJob('starter', body.id);

    const done = await stack.waitFor(c, body.id, ['succeeded', 'failed']);
    expect([done.status, done.error?.code, done.images]).toEqual(['failed', 'JOB_LOST', []]);
    expect(await fileExists(written)).toBe(false);
    expect(await stack.settledBalance(c)).toEqual({ available: 100, reserved: 0 });
    expect(await settlements(body.id)).toEqual([{ kind: 'release' }]);
  });

  it('removes the images of a success reported after the job was failed as lost, and charges nothing', async () => {
    const c = await stack.customer('starter', 100);
    const { body } = await submit(c, { prompt: '늦은 보고', steps: 1 });
    await loseJob('starter', body.id);
    await stack.waitFor(c, body.id, ['failed']);

    const key = imageStorageKey(c.userId, body.id, 0);
    const bytes = await png(64, 64);
    await storage.put(key, bytes);
    const late: GenerationFinishedMessage = {
      generationId: body.id,
      outcome: 'succeeded',
      images: [{ index: 0, width: 64, height: 64, seed: 1, storageKey: key, bytes: bytes.length }],
      stepsRun: 1,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      workerId: 'late-worker',
    };
    const results = stack.queue(QueueNames.generationResults);
    await results.add(GenerationResultNames.finished, late, {
      jobId: generationFinishedJobId(body.id),
    });
    await eventually(
      async () =>
        (await (await results.getJob(generationFinishedJobId(body.id)))?.getState()) === 'completed'
          ? true
          : undefined,
      15_000,
      'the late report consumed',
    );

    expect(await fileExists(key)).toBe(false);
    const after = await stack.waitFor(c, body.id, ['failed']);
    expect(after.error?.code).toBe('JOB_LOST');
    expect(await stack.settledBalance(c)).toEqual({ available: 100, reserved: 0 });
    expect(await settlements(body.id)).toEqual([{ kind: 'release' }]);
  });
});
