import { type Tier, TIERS } from '@pingvas/contracts';
import { isProviderInstalled } from '@pingvas/inference';
import { eventually } from '@pingvas/testing';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { Customer } from '../../../test/support/user-service';

const PER_TIER = 40;
const WEIGHTS: Record<Tier, number> = { enterprise: 16, studio: 8, pro: 4, starter: 2, free: 1 };

/** The worker's own record of the order it started jobs in (one log line per job). */
function startedTiers(lines: string[]): Tier[] {
  return lines
    .filter((line) => line.includes('"job started"'))
    .map((line) => (JSON.parse(line) as { tier: Tier }).tier);
}

describe('gpu-worker: weighted fair dispatch over the tier queues', () => {
  let stack: GenerationStack;

  beforeAll(async () => {
    stack = await bootGenerationStack();
    // One customer per tier queues all 40 jobs: lift the plans' jobs-in-flight limits here.
    await stack.payment.sql(`UPDATE "plans" SET "max_jobs_in_flight" = 100`);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`serves ${PER_TIER} queued jobs per tier at 16:8:4:2:1, and free before enterprise runs dry`, async () => {
    const customers = new Map<Tier, Customer>();
    for (const tier of TIERS) customers.set(tier, await stack.customer(tier, 1000));
    for (let i = 0; i < PER_TIER; i++) {
      await Promise.all(
        TIERS.map((tier) =>
          request(stack.generation.url)
            .post('/api/v1/generations')
            .auth(customers.get(tier)!.token, { type: 'bearer' })
            .send({ prompt: `${tier} ${i}`, steps: 1 })
            .expect(202),
        ),
      );
    }
    for (const tier of TIERS)
      expect(await stack.queue(`gen-${tier}`).getWaitingCount()).toBe(PER_TIER);

    const worker = await stack.startWorker();
    const order = await eventually(
      async () => {
        const tiers = startedTiers(worker.process.stdout);
        return tiers.length >= 5 * PER_TIER ? tiers : undefined;
      },
      120_000,
      'every job started',
      200,
    );

    // The default providers are cuda,cpu: on a machine without the CUDA build, CUDA is passed
    // over without ONNX Runtime's native "Failed to load …providers_shared.so" on stderr.
    if (!isProviderInstalled('cuda')) {
      expect(worker.process.stderr.join('\n')).not.toMatch(/Failed to load|providers_shared/);
    }

    const first = order.slice(0, 62);
    const counts = Object.fromEntries(TIERS.map((t) => [t, first.filter((x) => x === t).length]));
    for (const tier of TIERS) {
      const expected = (62 * WEIGHTS[tier]) / 31;
      expect([tier, Math.abs(counts[tier] - expected) <= 2]).toEqual([tier, true]);
    }
    const lastEnterprise = order.lastIndexOf('enterprise');
    expect(order.indexOf('free')).toBeLessThan(lastEnterprise);
    // Within one round of 31 every tier is served (no starvation).
    for (const tier of TIERS) expect(order.slice(0, 31)).toContain(tier);

    // And every one of them ran to the end: the work-conserving part (idle tiers' share moves on).
    await eventually(
      async () => {
        const [{ n }] = await stack.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM "generations" WHERE "status" = 'succeeded'`,
        );
        return n === 5 * PER_TIER ? n : undefined;
      },
      60_000,
      'every job succeeded',
      200,
    );
  });
});
