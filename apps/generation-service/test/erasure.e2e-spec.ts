import { readdir } from 'node:fs/promises';
import {
  erasureQueue,
  GenerationChannels,
  GenerationResultNames,
  generationFinishedJobId,
  imageStorageKey,
  QueueNames,
  RpcPatterns,
  userDeletedJobId,
  UserDeletedJobName,
} from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { LocalDiskStorage } from '@pingvas/storage';
import { eventually, TEST_REDIS_URL } from '@pingvas/testing';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import { ledgerMismatches } from '../../../test/support/payment-service';
import type { Customer } from '../../../test/support/user-service';

/**
 * A deleted account's generations: queued and running ones canceled with their credits released
 * once, every row, file, job and outbox row of the user gone, another user's untouched; the
 * export RPC pages through all of them exactly once first.
 */
describe('generation-service erases a deleted user', () => {
  let stack: GenerationStack;
  let storage: LocalDiskStorage;
  let holder: Worker;
  let redis: Redis;
  let releaseHeld: () => void = () => undefined;

  beforeAll(async () => {
    stack = await bootGenerationStack();
    storage = new LocalDiskStorage(stack.storageDir);
    redis = new Redis(TEST_REDIS_URL);
    // Stands for a GPU worker that holds one pro job (BullMQ keeps it locked, so active).
    holder = new Worker(
      QueueNames.tier('pro'),
      () => new Promise<void>((resolve) => (releaseHeld = resolve)),
      { prefix: stack.namespace, connection: { url: TEST_REDIS_URL } as never, concurrency: 1 },
    );
  });

  afterAll(async () => {
    releaseHeld();
    await holder?.close(true);
    redis?.disconnect();
    await stack?.stop();
  });

  const submit = (c: Customer, prompt: string) =>
    request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send({ prompt, steps: 2 })
      .expect(202)
      .then((res) => res.body as { id: string; cost: number });

  const view = (c: Customer, id: string) =>
    request(stack.generation.url)
      .get(`/api/v1/generations/${id}`)
      .auth(c.token, { type: 'bearer' })
      .then((res) => res.body as Record<string, unknown>);

  const ledger = (reference: string) =>
    stack.payment.sql<{ kind: string }>(
      `SELECT "kind" FROM "credit_ledger" WHERE "reference" = $1 ORDER BY "id"`,
      [reference],
    );

  const namesUser = async (userId: string) =>
    stack.sql<{ n: number }>(
      `SELECT ((SELECT count(*) FROM "generations" WHERE "user_id" = $1)
            + (SELECT count(*) FROM "outbox_generation" WHERE "payload"::text LIKE '%' || $1 || '%')
            + (SELECT count(*) FROM "generation_images" i
                WHERE i."storage_key" LIKE '%' || $1 || '%'))::int AS n`,
      [userId],
    );

  const erase = async (userId: string, jobId: string) => {
    const queue = stack.queue(erasureQueue('generation'));
    const job = await queue.add(
      UserDeletedJobName,
      { userId, deletedAt: new Date().toISOString() },
      { jobId },
    );
    return eventually(
      async () => {
        const state = await job.getState();
        if (state === 'failed')
          throw new Error(`erasure failed: ${(await queue.getJob(jobId))?.failedReason}`);
        return state === 'completed' ? ((await queue.getJob(jobId)) as Job).returnvalue : undefined;
      },
      15_000,
      'erasure completed',
    );
  };

  it('exports every generation once, then cancels, releases once and deletes everything of the user', async () => {
    const victim = await stack.customer('pro', 100);
    const other = await stack.customer('pro', 100);

    // Running: taken by the holder (and reported started).
    const running = await submit(victim, 'a cat, running');
    await eventually(
      async () =>
        (await (await stack.queue(QueueNames.tier('pro')).getJob(running.id))?.isActive()) ||
        undefined,
      10_000,
      'job held by a worker',
    );
    await stack.sql(`UPDATE "generations" SET "status" = 'running' WHERE "id" = $1`, [running.id]);
    // Succeeded: its worker's report, with its image file.
    const succeeded = await submit(victim, 'a cat, done');
    const key = imageStorageKey(victim.userId, succeeded.id, 0);
    await storage.put(key, Buffer.from('png bytes'));
    const now = new Date().toISOString();
    await stack.queue(QueueNames.generationResults).add(
      GenerationResultNames.finished,
      {
        generationId: succeeded.id,
        outcome: 'succeeded',
        images: [{ index: 0, width: 512, height: 512, seed: 7, storageKey: key, bytes: 9 }],
        startedAt: now,
        finishedAt: now,
        workerId: 'test',
        stepsRun: 2,
      },
      { jobId: generationFinishedJobId(succeeded.id) },
    );
    await stack.waitFor(victim, succeeded.id, ['succeeded']);
    const queued = await submit(victim, 'a cat, waiting');
    const theirs = await submit(other, 'a dog, waiting');
    const otherBefore = await stack.balance(other);

    // The export: small pages, each item the same view GET shows, every generation once.
    const rpc = stack.generation.app.get(RpcClient);
    const seen: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await rpc.send(RpcPatterns.generation.generationsExport, {
        userId: victim.userId,
        cursor,
        limit: 2,
      });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen.map((g) => g.id)).toEqual([running.id, succeeded.id, queued.id]);
    for (const item of seen) expect(item).toEqual(await view(victim, String(item.id)));
    expect(seen[1]).toMatchObject({
      status: 'succeeded',
      params: { steps: 2 },
      images: [{ index: 0, seed: 7 }],
    });
    await expect(
      rpc.send(RpcPatterns.generation.generationsExport, { userId: 'nope' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

    const outcome = await erase(victim.userId, userDeletedJobId(victim.userId));
    expect(outcome).toEqual({ canceled: 2, deleted: 3 });

    // Credits: each hold released once, the success captured; nothing held any more.
    expect((await ledger(running.id)).map((r) => r.kind)).toEqual(['reserve', 'release']);
    expect((await ledger(queued.id)).map((r) => r.kind)).toEqual(['reserve', 'release']);
    expect((await ledger(succeeded.id)).map((r) => r.kind)).toEqual(['reserve', 'capture']);
    expect(await stack.balance(victim)).toEqual({
      available: 100 - succeeded.cost,
      reserved: 0,
    });
    // The worker holding the running job finds its cancel flag.
    expect(
      await redis.get(GenerationChannels.cancelFlag(stack.namespace, running.id)),
    ).not.toBeNull();
    // Nothing of the user: rows, outbox rows, files, jobs in Redis.
    expect(await namesUser(victim.userId)).toEqual([{ n: 0 }]);
    expect(await storage.stat(key)).toBeNull();
    const paths = await readdir(stack.storageDir, { recursive: true });
    expect(paths.filter((p) => p.includes(victim.userId))).toEqual([]);
    expect(await stack.queue(QueueNames.tier('pro')).getJob(queued.id)).toBeUndefined();
    expect(await stack.queue(QueueNames.tier('pro')).getJob(succeeded.id)).toBeUndefined();
    expect(
      await stack.queue(QueueNames.generationResults).getJob(generationFinishedJobId(succeeded.id)),
    ).toBeUndefined();
    expect(
      (
        await request(stack.generation.url)
          .get(`/api/v1/generations/${queued.id}`)
          .auth(victim.token, { type: 'bearer' })
      ).status,
    ).toBe(404);
    const empty = await rpc.send(RpcPatterns.generation.generationsExport, {
      userId: victim.userId,
    });
    expect(empty).toEqual({ items: [] });

    // Another user's generation is untouched.
    expect(await view(other, theirs.id)).toMatchObject({ status: 'queued' });
    expect(await stack.queue(QueueNames.tier('pro')).getJob(theirs.id)).toBeDefined();
    expect(await stack.balance(other)).toEqual(otherBefore);

    // The held job's late report finds no generation: nothing settled again, its file removed.
    const lateKey = imageStorageKey(victim.userId, running.id, 0);
    await storage.put(lateKey, Buffer.from('late png'));
    const late = await stack.queue(QueueNames.generationResults).add(
      GenerationResultNames.finished,
      {
        generationId: running.id,
        outcome: 'succeeded',
        images: [{ index: 0, width: 512, height: 512, seed: 1, storageKey: lateKey, bytes: 8 }],
        startedAt: now,
        finishedAt: new Date().toISOString(),
        workerId: 'test',
        stepsRun: 2,
      },
      { jobId: `late-${running.id}` },
    );
    await eventually(
      async () => ((await late.getState()) === 'completed' ? true : undefined),
      10_000,
      'late report applied',
    );
    expect(await storage.stat(lateKey)).toBeNull();
    expect(await namesUser(victim.userId)).toEqual([{ n: 0 }]);

    // A second run (the event delivered again) finds nothing to do and changes nothing.
    expect(await erase(victim.userId, `${userDeletedJobId(victim.userId)}-again`)).toEqual({
      canceled: 0,
      deleted: 0,
    });
    expect((await ledger(running.id)).map((r) => r.kind)).toEqual(['reserve', 'release']);
    expect((await ledger(queued.id)).map((r) => r.kind)).toEqual(['reserve', 'release']);
    expect(await stack.balance(victim)).toEqual({
      available: 100 - succeeded.cost,
      reserved: 0,
    });
    expect(await ledgerMismatches(stack.payment)).toEqual([]);
  });
});
