import { eventually, TEST_DATABASE_URL } from '@pingvas/testing';
import request from 'supertest';
import { formatComparison } from '../../scripts/db-restore-check/figures';
import { runRestoreCheck } from '../../scripts/db-restore-check/restore-check';
import { bootGenerationStack, type GenerationStack } from '../support/generation-stack';

/**
 * The restore check over what the services themselves wrote: a customer's generations went
 * through user, payment, model, generation and gallery services and the GPU worker, and every
 * schema restores with the same rows while those processes keep running (outbox relays,
 * sweeps and marks go on writing during the dump).
 */
describe('system: the restore check on a journey the real services wrote', () => {
  let stack: GenerationStack;

  beforeAll(async () => {
    stack = await bootGenerationStack({ gallery: true });
    await stack.startWorker();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('restores every service schema with the same rows and checksums', async () => {
    const customer = await stack.customer('pro', 100);
    const prompts = ['바닷가의 등대', 'a lighthouse by the sea'];
    for (const prompt of prompts) {
      const res = await request(stack.generation.url)
        .post('/api/v1/generations')
        .auth(customer.token, { type: 'bearer' })
        .send({ prompt, steps: 2 })
        .expect(202);
      await stack.waitFor(customer, res.body.id as string, ['succeeded'], 60_000);
    }
    await eventually(
      async () => {
        const images = await request(stack.gallery!.url)
          .get('/api/v1/images')
          .auth(customer.token, { type: 'bearer' });
        return images.body.items?.length === prompts.length ? true : undefined;
      },
      20_000,
      'both images in the gallery',
    );

    const services = [stack.users, stack.payment, stack.models, stack.generation, stack.gallery!];
    const [users, payment, , generation, gallery] = services.map((s) => s.schema.schema);
    const report = await runRestoreCheck(
      TEST_DATABASE_URL,
      services.map((s) => s.schema.schema),
    );
    process.stdout.write(`${formatComparison(report.comparison).join('\n')}\n`);

    expect(report.comparison.filter((c) => c.problem)).toEqual([]);
    expect(report.ok).toBe(true);
    const restored = (table: string) =>
      report.comparison.find((c) => c.table === table)?.restored?.rows;
    // The admin and the customer; the customer's ledger (open, grant, two reservations and
    // their captures); the two generations and their images.
    expect(restored(`${users}.users`)).toBe(2);
    expect(restored(`${payment}.credit_ledger`)).toBeGreaterThanOrEqual(5);
    expect(restored(`${generation}.generations`)).toBe(prompts.length);
    expect(restored(`${gallery}.images`)).toBe(prompts.length);
  });
});
