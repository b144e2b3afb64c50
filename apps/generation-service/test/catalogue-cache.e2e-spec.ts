import { eventually, LemonSqueezyStandIn, signedWebhook } from '@pingvas/testing';
import request from 'supertest';
import { TINY_MODEL } from '@pingvas/contracts';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { Customer } from '../../../test/support/user-service';

/** The documented bound for an announced plan or model change (DESIGN §15, CatalogueCache). */
const ANNOUNCED_CHANGE_MS = 2_000;
const SECRET = 'whsec-test-1234567890';
const VARIANTS = { pro: '1002' };

/**
 * generation-service keeps users' plans and resolved models. Its own lifetime is set to an hour
 * here, so a change seen within the bound was brought by the announcement, not by expiry.
 */
describe('generation-service: cached plans and models follow their changes', () => {
  const lemon = new LemonSqueezyStandIn();
  let stack: GenerationStack;

  beforeAll(async () => {
    await lemon.start();
    stack = await bootGenerationStack({
      generationEnv: { CATALOGUE_CACHE_TTL_MS: String(3_600_000) },
      paymentEnv: {
        LEMONSQUEEZY_API_URL: lemon.url,
        LEMONSQUEEZY_API_KEY: 'ls-test-key',
        LEMONSQUEEZY_STORE_ID: '42',
        LEMONSQUEEZY_WEBHOOK_SECRET: SECRET,
        LEMONSQUEEZY_VARIANTS: JSON.stringify(VARIANTS),
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await lemon.stop();
  });

  const submit = (c: Customer, body: object) =>
    request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send({ prompt: 'a cat', steps: 2, ...body });
  const asAdmin = (method: 'post' | 'patch', path: string, body: object) =>
    request(stack.models.url)
      [method](`/api/v1/${path}`)
      .auth(stack.admin.token, { type: 'bearer' })
      .send(body);
  /** Submits until `seen` holds for the answer, within the documented bound. */
  const nextSubmissionSees = (
    c: Customer,
    body: object,
    seen: (res: request.Response) => boolean,
  ) =>
    eventually(
      async () => {
        const res = await submit(c, body);
        return seen(res) ? res : undefined;
      },
      ANNOUNCED_CHANGE_MS,
      'a submission that sees the change',
      20,
    );

  it('refuses a model disabled through model-service on the next submission', async () => {
    const { body: model } = await asAdmin('post', 'models', {
      ...TINY_MODEL,
      name: 'tiny-sd-second',
    }).expect(201);
    const c = await stack.customer('pro', 500);
    await submit(c, { modelId: model.name }).expect(202);

    await asAdmin('patch', `models/${model.id}`, { enabled: false }).expect(200);

    const refused = await nextSubmissionSees(c, { modelId: model.name }, (r) => r.status !== 202);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('MODEL_DISABLED');
  });

  it('applies a model’s new limits to the next submission', async () => {
    const { body: models } = await request(stack.models.url)
      .get('/api/v1/models')
      .auth(stack.admin.token, { type: 'bearer' })
      .expect(200);
    const tiny = (models as { id: string; name: string }[]).find((m) => m.name === 'tiny-sd')!;
    const c = await stack.customer('pro', 500);
    await submit(c, { steps: 3 }).expect(202);

    await asAdmin('patch', `models/${tiny.id}`, {
      limits: { ...TINY_MODEL.limits, maxSteps: 2 },
    }).expect(200);

    const refused = await nextSubmissionSees(c, { steps: 3 }, (r) => r.status !== 202);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('steps must be at most 2 for tiny-sd');
  });

  it('queues the next submission on the tier a subscription webhook just gave the user', async () => {
    const c = await stack.customer('free');
    const first = await submit(c, {}).expect(202);
    expect(first.body.queue).toBe('gen-free');

    const s = lemon.addSubscription('7001', { variant_id: Number(VARIANTS.pro) });
    const signed = signedWebhook(SECRET, {
      meta: { event_name: 'subscription_created', custom_data: { user_id: c.userId } },
      data: { type: 'subscriptions', id: '7001', attributes: { ...s } },
    });
    await request(stack.payment.url)
      .post('/api/v1/webhooks/lemonsqueezy')
      .set('Content-Type', 'application/json')
      .set('X-Signature', signed.signature)
      .send(signed.body)
      .expect(200);

    const upgraded = await nextSubmissionSees(
      c,
      {},
      (r) => r.status === 202 && r.body.queue === 'gen-pro',
    );
    expect(upgraded.body.queue).toBe('gen-pro');
  });
});
