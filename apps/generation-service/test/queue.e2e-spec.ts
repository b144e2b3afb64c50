import { QueueNames } from '@pingvas/contracts';
import { readEvents } from '@pingvas/testing';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import { ledgerMismatches } from '../../../test/support/payment-service';
import type { Customer } from '../../../test/support/user-service';

/** With no worker running, jobs stay queued: what a user can do while they wait. */
describe('generations waiting in their tier queue', () => {
  let stack: GenerationStack;

  beforeAll(async () => {
    stack = await bootGenerationStack();
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

  it('cancels a queued job at once: removed from its queue, credits back in full, stream ends canceled', async () => {
    const c = await stack.customer('starter', 100);
    const { body } = await submit(c, { prompt: 'never mind', steps: 4, count: 2 }).expect(202);
    expect(body).toMatchObject({ status: 'queued', queue: 'gen-starter', cost: 10, position: 1 });
    expect(await stack.balance(c)).toEqual({ available: 90, reserved: 10 });
    expect(await stack.queue('gen-starter').getJob(body.id)).toBeDefined();

    const stream = readEvents(
      stack.generation.url,
      `/api/v1/generations/${body.id}/events`,
      c.token,
    );
    await stream.until('queued');
    const res = await request(stack.generation.url)
      .post(`/api/v1/generations/${body.id}/cancel`)
      .auth(c.token, { type: 'bearer' })
      .expect(202);
    expect(res.body.status).toBe('canceled');
    expect(await stack.balance(c)).toEqual({ available: 100, reserved: 0 });
    expect(await stack.queue('gen-starter').getJob(body.id)).toBeUndefined();
    const events = await stream.ended;
    expect(events.map((e) => e.event)).toEqual(['queued', 'canceled']);
    expect(events[1].data).toMatchObject({ id: body.id, status: 'canceled' });

    const again = await request(stack.generation.url)
      .post(`/api/v1/generations/${body.id}/cancel`)
      .auth(c.token, { type: 'bearer' })
      .expect(409);
    expect(again.body.code).toBe('ALREADY_FINISHED');
    expect(await stack.balance(c)).toEqual({ available: 100, reserved: 0 });
  });

  it('holds a plan to its jobs in flight: the next one is 429 TOO_MANY_JOBS and holds nothing', async () => {
    const c = await stack.customer('free');
    await submit(c, { prompt: 'first', steps: 4 }).expect(202);
    const res = await submit(c, { prompt: 'second', steps: 4 }).expect(429);
    expect(res.body).toMatchObject({ code: 'TOO_MANY_JOBS', details: { inFlight: 1, limit: 1 } });
    expect(await stack.balance(c)).toEqual({ available: 95, reserved: 5 });
  });

  it('tells a user the depth of every tier, their own jobs in flight with their places, and the weights', async () => {
    const other = await stack.customer('pro', 100);
    const pro = await stack.customer('pro', 100);
    await submit(other, { prompt: 'ahead', steps: 1 }).expect(202);
    const one = (await submit(pro, { prompt: 'one', steps: 1 }).expect(202)).body.id;
    const two = (await submit(pro, { prompt: 'two', steps: 1 }).expect(202)).body.id;
    const res = await request(stack.generation.url)
      .get('/api/v1/queue')
      .auth(pro.token, { type: 'bearer' })
      .expect(200);
    expect(res.body.tiers.pro).toEqual({ waiting: 3, running: 0, weight: 4 });
    expect(res.body.tiers.enterprise.weight).toBe(16);
    expect(res.body.workers).toBe(0);
    // Places count everyone's jobs in the tier (the other user's is taken first); the other
    // user's job itself is not shown. No worker, no run yet: no estimate.
    expect(res.body.yours).toEqual({
      tier: 'pro',
      inFlight: 2,
      maxJobsInFlight: 4,
      estimatedWaitSeconds: null,
      queued: [
        { id: one, position: 2, estimatedWaitSeconds: null },
        { id: two, position: 3, estimatedWaitSeconds: null },
      ],
    });
  });

  it('exports bullmq_job_count for every tier queue (what KEDA scales the workers on)', async () => {
    const c = await stack.customer('studio', 100);
    await submit(c, { prompt: 'counted', steps: 1 }).expect(202);
    const res = await request(stack.generation.url).get('/metrics').expect(200);
    expect(res.text).toMatch(/bullmq_job_count\{queue="gen-studio",state="waiting"\} 1\b/);
    for (const tier of ['enterprise', 'pro', 'starter', 'free'])
      expect(res.text).toContain(`bullmq_job_count{queue="gen-${tier}",state="active"} 0`);
  });

  it('fails a generation whose job vanished from Redis and gives its credits back (the sweeper)', async () => {
    const c = await stack.customer('enterprise', 100);
    const { body } = await submit(c, { prompt: 'lost', steps: 4 }).expect(202);
    expect(await stack.balance(c)).toEqual({ available: 95, reserved: 5 });
    await stack.queue(QueueNames.tier('enterprise')).remove(body.id);
    const failed = await stack.waitFor(c, body.id, ['failed'], 15_000);
    expect(failed.error).toEqual({
      code: 'JOB_LOST',
      message: 'The job was lost before it finished; credits were released',
    });
    expect(await stack.settledBalance(c)).toEqual({ available: 100, reserved: 0 });
  });
});
