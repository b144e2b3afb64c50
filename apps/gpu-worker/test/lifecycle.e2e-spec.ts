import { eventually, readEvents } from '@pingvas/testing';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { RunningWorker } from '../../../test/support/gpu-worker';
import { SLOW_MODEL } from '../../../test/support/model-service';
import { ledgerMismatches } from '../../../test/support/payment-service';
import type { Customer } from '../../../test/support/user-service';

/**
 * The worker as a real process running a model slow enough (about 0.2 s a step) to act on
 * a job while it runs: live events, cancel, kill -9 and SIGTERM.
 */
describe('gpu-worker: a running job', () => {
  let stack: GenerationStack;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    stack = await bootGenerationStack({ slowModel: true });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    expect(await ledgerMismatches(stack.payment)).toEqual([]);
  });

  const slowJob = (c: Customer, steps = 8) =>
    request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send({ prompt: '느린 고양이', modelId: SLOW_MODEL.name, steps, seed: 3 })
      .then((res) => {
        expect([res.status, res.body]).toEqual([
          202,
          expect.objectContaining({ status: 'queued' }),
        ]);
        return res.body as { id: string; cost: number };
      });

  /** Ledger rows that captured or released this generation's hold. */
  const settlements = (generationId: string) =>
    stack.payment.sql<{ kind: string }>(
      `SELECT "kind" FROM "credit_ledger" WHERE "reference" = $1 AND "kind" IN ('capture', 'release')`,
      [generationId],
    );

  it('streams queued, started, progress and succeeded in order to the job’s owner, at most 4 progress events a second', async () => {
    const c = await stack.customer('pro', 200);
    const job = await slowJob(c);
    const stream = readEvents(
      stack.generation.url,
      `/api/v1/generations/${job.id}/events`,
      c.token,
    );
    expect(await stream.status).toBe(200);
    worker = await stack.startWorker();
    const events = await stream.ended;
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('queued');
    expect(types[1]).toBe('started');
    expect(types[types.length - 1]).toBe('succeeded');
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(types.slice(2, -1).every((t) => t === 'progress')).toBe(true);
    const steps = progress.map((e) => e.data.step as number);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(progress.every((e) => e.data.steps === 8)).toBe(true);
    const done = events[events.length - 1].data;
    expect(done).toMatchObject({
      id: job.id,
      status: 'succeeded',
      progress: { step: 8, steps: 8 },
    });
    const seconds =
      (Date.parse(String((done.timings as Record<string, string>).finishedAt)) -
        Date.parse(String((done.timings as Record<string, string>).startedAt))) /
      1000;
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 1);

    // Some progress events carry a preview: a PNG at latent resolution (512/8), at most 2 a second.
    const previews = progress.map((e) => e.data.preview).filter((p) => p !== undefined);
    expect(previews.length).toBeGreaterThan(0);
    expect(previews.length).toBeLessThanOrEqual(Math.ceil(seconds * 2) + 1);
    for (const preview of previews) {
      expect(String(preview)).toMatch(/^data:image\/png;base64,/);
      const png = Buffer.from(String(preview).replace(/^data:image\/png;base64,/, ''), 'base64');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 64]);
    }

    // A late subscriber gets the final state at once, and the stream ends.
    const late = readEvents(stack.generation.url, `/api/v1/generations/${job.id}/events`, c.token);
    expect((await late.ended).map((e) => e.event)).toEqual(['succeeded']);
  });

  it('stops a running job within two steps of a cancel and gives every credit back', async () => {
    const c = await stack.customer('pro', 200);
    worker = await stack.startWorker();
    const job = await slowJob(c);
    const stream = readEvents(
      stack.generation.url,
      `/api/v1/generations/${job.id}/events`,
      c.token,
    );
    const seen = await stream.until('progress');
    const stepAtRequest = seen.data.step as number;
    expect(stepAtRequest).toBeLessThan(6);
    const res = await request(stack.generation.url)
      .post(`/api/v1/generations/${job.id}/cancel`)
      .auth(c.token, { type: 'bearer' })
      .expect(202);
    expect(['running', 'canceled']).toContain(res.body.status);
    const events = await stream.ended;
    expect(events[events.length - 1].event).toBe('canceled');
    const done = await stack.waitFor(c, job.id, ['canceled']);
    // Steps stepAtRequest+1 and +2 may finish; the third after the request never starts.
    expect(done.progress.step).toBeLessThanOrEqual(stepAtRequest + 2);
    expect(done.images).toEqual([]);
    expect(await stack.settledBalance(c)).toEqual({ available: 200, reserved: 0 });
    expect(await settlements(job.id)).toEqual([{ kind: 'release' }]);
  });

  it('never loses or double-charges a job whose worker is killed with SIGKILL mid-run (5 times)', async () => {
    const c = await stack.customer('enterprise', 1000);
    let expected = 1000;
    worker = await stack.startWorker();
    for (let round = 0; round < 5; round++) {
      // 12 steps: killed at step 2, it is always mid-run, even on a busy machine.
      const job = await slowJob(c, 12);
      await eventually(
        async () => {
          const res = await request(stack.generation.url)
            .get(`/api/v1/generations/${job.id}`)
            .auth(c.token, { type: 'bearer' });
          return res.body.progress.step >= 2 ? true : undefined;
        },
        20_000,
        `round ${round}: job mid-run`,
        20,
      );
      await worker.stop('SIGKILL');
      worker = await stack.startWorker();
      const done = await stack.waitFor(c, job.id, ['succeeded', 'failed'], 40_000);
      if (done.status === 'succeeded') {
        expected -= job.cost;
        expect(done.images).toHaveLength(1);
        expect(done.attempts).toBe(2);
      } else {
        expect(done.error?.code).toBe('WORKER_LOST');
      }
      expect(await stack.settledBalance(c)).toEqual({ available: expected, reserved: 0 });
      expect(await settlements(job.id)).toEqual([
        { kind: done.status === 'succeeded' ? 'capture' : 'release' },
      ]);
    }
  });

  it('fails a job whose worker dies twice, with its credits released', async () => {
    const c = await stack.customer('enterprise', 1000);
    const job = await slowJob(c, 16);
    for (let attempt = 1; attempt <= 2; attempt++) {
      worker = await stack.startWorker();
      await eventually(
        async () => {
          const [row] = await stack.sql<{ attempts: number }>(
            `SELECT "attempts" FROM "generations" WHERE "id" = $1`,
            [job.id],
          );
          const res = await request(stack.generation.url)
            .get(`/api/v1/generations/${job.id}`)
            .auth(c.token, { type: 'bearer' });
          return row.attempts === attempt && res.body.progress.step >= 1 ? true : undefined;
        },
        30_000,
        `attempt ${attempt} mid-run`,
        20,
      );
      await worker.stop('SIGKILL');
    }
    worker = await stack.startWorker();
    const done = await stack.waitFor(c, job.id, ['failed', 'succeeded'], 40_000);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('WORKER_LOST');
    expect(await stack.settledBalance(c)).toEqual({ available: 1000, reserved: 0 });
    expect(await settlements(job.id)).toEqual([{ kind: 'release' }]);
  });

  it('finishes the running job on SIGTERM, takes no other, and exits 0', async () => {
    const c = await stack.customer('enterprise', 1000);
    worker = await stack.startWorker();
    const first = await slowJob(c);
    await stack.waitFor(c, first.id, ['running']);
    const second = await slowJob(c);
    const code = await worker.stop('SIGTERM');
    worker = undefined;
    expect(code).toBe(0);
    expect((await stack.waitFor(c, first.id, ['succeeded'], 5_000)).status).toBe('succeeded');
    const [row] = await stack.sql<{ status: string }>(
      `SELECT "status" FROM "generations" WHERE "id" = $1`,
      [second.id],
    );
    expect(row.status).toBe('queued');
    worker = await stack.startWorker();
    expect((await stack.waitFor(c, second.id, ['succeeded'])).status).toBe('succeeded');
  });

  it('abandons a job still running when the grace time ends; another worker runs it again', async () => {
    const c = await stack.customer('enterprise', 1000);
    worker = await stack.startWorker({ WORKER_SHUTDOWN_GRACE_MS: '300' });
    // 16 steps of ~0.2 s: stopped early in the run, far more than the grace is left to do.
    const job = await slowJob(c, 16);
    const stream = readEvents(
      stack.generation.url,
      `/api/v1/generations/${job.id}/events`,
      c.token,
    );
    const seen = await stream.until('progress');
    stream.close();
    expect(seen.data.step as number).toBeLessThan(10);
    expect(await worker.stop('SIGTERM')).toBe(0);
    worker = await stack.startWorker();
    const done = await stack.waitFor(c, job.id, ['succeeded', 'failed'], 40_000);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(await stack.settledBalance(c)).toEqual({ available: 1000 - job.cost, reserved: 0 });
  });
});
