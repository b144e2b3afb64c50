import { randomUUID } from 'node:crypto';
import { ERROR_STATUS, isErrorCode, QueueNames } from '@pingvas/contracts';
import {
  ingestImages,
  signingKeyFixture,
  tamperedVariants,
  TEST_REDIS_URL,
  verifyEmailOf,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import fc from 'fast-check';
import request from 'supertest';
import { weirdValue } from './fuzz/arbitraries';
import { type FuzzWorld, requestArbitrary } from './fuzz/requests';
import { type RawRequest, type RawResponse, send } from './fuzz/send';
import { isSecured, type OpenApiDocument, operationsOf } from './openapi';
import { bootGenerationStack, type GenerationStack } from '../support/generation-stack';
import type { Customer } from '../support/user-service';

/**
 * Property: whatever request reaches any operation of any service's OpenAPI document, the
 * answer is never a 5xx, and every 4xx is a JSON error body whose `code` is one of
 * libs/contracts' codes, with the status that code stands for. Fixed seed and run count keep
 * the walk the same on every run; FUZZ_SEED and FUZZ_RUNS change them to explore further.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 1_302_025);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const WEBHOOK_SECRET = 'fuzz-webhook-secret';
const PASSWORD = 'correct horse battery';

/** Codes a request earns before the auth guard looks at it: they say nothing about the token. */
const BEFORE_THE_GUARD = new Set([
  'MALFORMED_BODY',
  'BODY_TOO_DEEP',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'MALFORMED_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
]);

/** Whether a valid credential got this request past the guard to the handler's own checks. */
function pastTheGuard(res: RawResponse): boolean {
  if (res.status < 400) return true;
  const { code, message } = JSON.parse(res.text) as { code: string; message: string };
  // Nest's own 404 for a path no route matches ("Cannot GET /…") is answered before any guard.
  return !BEFORE_THE_GUARD.has(code) && !(code === 'NOT_FOUND' && message.startsWith('Cannot '));
}

/** Why an answer breaks the property, or undefined when it keeps it. */
function problemOf(res: RawResponse): string | undefined {
  if (res.status >= 500) return `answered ${res.status}`;
  if (res.status < 400) return undefined;
  if (!res.contentType.includes('application/json')) return `a ${res.status} that is not JSON`;
  let body: { code?: unknown };
  try {
    body = JSON.parse(res.text) as { code?: unknown };
  } catch {
    return `a ${res.status} whose body does not parse`;
  }
  if (!isErrorCode(body.code)) return `a ${res.status} without a known code`;
  if (ERROR_STATUS[body.code] !== res.status)
    return `${body.code} is ${ERROR_STATUS[body.code]}, answered ${res.status}`;
  return undefined;
}

function describeRequest(req: RawRequest): string {
  const body = req.body ? req.body.subarray(0, 300).toString('utf8') : '';
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${v.slice(0, 120)}`);
  return [`${req.method} ${req.target.slice(0, 300)}`, ...headers, body].join('\n');
}

/** Lemon Squeezy events of the kinds the webhook acts on, with odd values where it reads them. */
function lemonSqueezyEvent(userId: string) {
  const odd = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: weirdValue });
  const attributes = fc.record(
    {
      status: odd(fc.constantFrom('active', 'cancelled', 'paid', 'expired')),
      variant_id: odd(fc.constantFrom('1', '2', 1)),
      updated_at: odd(fc.constant('2026-01-01T00:00:00Z')),
      ends_at: odd(fc.constant(null)),
      subscription_id: odd(fc.constantFrom('sub-1', 'sub-2')),
      customer_id: odd(fc.constant('cus-1')),
      first_order_item: odd(fc.record({ variant_id: odd(fc.constant('2')) })),
    },
    { requiredKeys: [] },
  );
  return fc.record({
    meta: fc.record({
      event_name: odd(
        fc.constantFrom(
          'subscription_created',
          'subscription_payment_success',
          'subscription_payment_refunded',
          'order_created',
          'order_refunded',
          'something_else',
        ),
      ),
      custom_data: odd(fc.record({ user_id: odd(fc.constant(userId)) })),
    }),
    data: odd(
      fc.record({
        id: odd(fc.constantFrom('obj-1', 'obj-2')),
        type: odd(fc.constant('orders')),
        attributes,
      }),
    ),
  });
}

describe(`no request shape reaches a 5xx (fast-check seed ${SEED}, ${RUNS} runs an operation)`, () => {
  let stack: GenerationStack;
  let user: Customer;
  let world: FuzzWorld;
  let services: [string, string][];

  beforeAll(async () => {
    // The seed is how a failure is replayed.
    console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
    stack = await bootGenerationStack({
      gallery: true,
      paymentEnv: { LEMONSQUEEZY_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    user = await stack.customer('pro', 100_000);
    const other = await stack.customer();
    const as = (c: Customer) => ({ Authorization: `Bearer ${c.token}` });
    const gallery = stack.gallery!.url;
    const board = await request(gallery)
      .post('/api/v1/boards')
      .set(as(user))
      .send({ name: 'fuzz' })
      .expect(201);
    const otherBoard = await request(gallery)
      .post('/api/v1/boards')
      .set(as(other))
      .send({ name: 'x' })
      .expect(201);
    const queue = new Queue(QueueNames.galleryIngest, {
      prefix: stack.namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
    const [imageId] = await ingestImages(
      {
        queue,
        storageDir: stack.storageDir,
        ingested: async () =>
          (await request(gallery).get('/api/v1/images').set(as(user))).body.items?.length === 1,
      },
      user,
      [{ prompt: '퍼즈 고양이', boardId: board.body.id }],
    );
    await queue.close();
    const generation = await request(stack.generation.url)
      .post('/api/v1/generations')
      .set(as(user))
      .send({ prompt: 'fuzz', steps: 1 })
      .expect(202);
    await verifyEmailOf(stack.users.url, stack, user.session.user.email);
    const apiKey = await request(stack.users.url)
      .post('/api/v1/api-keys')
      .set(as(user))
      .send({ name: 'fuzz' })
      .expect(201);
    const models = await request(stack.models.url)
      .get('/api/v1/models')
      .set(as(stack.admin))
      .expect(200);
    const spare = await request(stack.users.url)
      .post('/api/v1/auth/login')
      .send({ email: user.session.user.email, password: PASSWORD })
      .expect(200);
    const claims = { sub: user.userId, role: 'admin', jti: randomUUID() };
    const foreign = await signingKeyFixture();
    const ids = [
      board.body.id,
      otherBoard.body.id,
      imageId,
      generation.body.id,
      apiKey.body.id,
      models.body[0].id,
      user.userId,
      other.userId,
      stack.admin.userId,
    ];
    world = {
      validAuth: [
        `Bearer ${user.token}`,
        `Bearer ${stack.admin.token}`,
        `Bearer ${apiKey.body.secret}`,
      ],
      badAuth: [
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        `bearer  ${user.token}`,
        `Token ${user.token}`,
        `Bearer ${user.token} ${user.token}`,
        'Bearer pv_',
        `Bearer ${apiKey.body.secret}x`,
        `Bearer ${user.token.slice(0, -2)}`,
        `Bearer ${await stack.users.key.sign(claims, { expiresIn: 1 })}`,
        `Bearer ${await foreign.sign(claims, { kid: stack.users.key.kid })}`,
        `Bearer ${await foreign.sign(claims)}`,
        ...Object.values(tamperedVariants(user.token)).map((t) => `Bearer ${t}`),
      ],
      ids,
      known: {
        id: fc.constantFrom(...ids),
        variant: fc.constantFrom('file', 'thumbnail'),
        userId: fc.constantFrom(user.userId, other.userId, randomUUID()),
        boardId: fc.constantFrom(board.body.id, otherBoard.body.id, 'none'),
        modelId: fc.constantFrom(models.body[0].id, 'tiny-sd', 'no-such-model'),
        email: fc.oneof(
          fc.constant(user.session.user.email),
          fc.uuid().map((u) => `${u}@example.com`),
        ),
        // Never the right one: DELETE users/me would delete the account the walk goes on with.
        password: fc.constantFrom('a wrong password', 'short'),
        currentPassword: fc.constantFrom(PASSWORD, 'wrong password'),
        refreshToken: fc.constantFrom(spare.body.refreshToken, 'x'.repeat(64)),
        planId: fc.constantFrom('pro', 'starter', 'free', 'none'),
        packId: fc.constantFrom('pack-500', 'none'),
        path: fc.constantFrom('tiny-sd', '../../etc', '/etc/passwd', 'missing'),
        steps: fc.integer({ min: 1, max: 4 }),
        count: fc.integer({ min: 1, max: 2 }),
        q: fc.constantFrom('고양이', 'ㄱㅇㅇ', 'fuzz'),
      },
      webhookSecret: WEBHOOK_SECRET,
      bodies: { 'POST /api/v1/webhooks/lemonsqueezy': lemonSqueezyEvent(user.userId) },
    };
    services = [
      ['user-service', stack.users.url],
      ['payment-service', stack.payment.url],
      ['model-service', stack.models.url],
      ['generation-service', stack.generation.url],
      ['gallery-service', gallery],
    ];
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** Walks every operation of one document; returns the broken answers and what got past the guard. */
  async function walk(url: string, doc: OpenApiDocument) {
    const broken: string[] = [];
    const unreached: string[] = [];
    const operations = operationsOf(doc);
    for (const op of operations) {
      let reached = 0;
      const property = fc.asyncProperty(requestArbitrary(doc, op, world), async (req) => {
        const res = await send(url, req);
        const problem = problemOf(res);
        if (problem)
          throw new Error(`${problem}: ${res.text.slice(0, 300)}\n${describeRequest(req)}`);
        if (world.validAuth.includes(req.headers.authorization ?? '') && pastTheGuard(res))
          reached += 1;
      });
      const run = await fc.check(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
      const name = `${op.method.toUpperCase()} ${op.path}`;
      if (run.failed)
        broken.push(
          `${name}: ${String((run.errorInstance as Error | undefined)?.message ?? run.errorInstance)}`,
        );
      else if (isSecured(op.operation) && reached === 0) unreached.push(name);
    }
    return { broken, unreached, operations: operations.length };
  }

  it.each([
    'user-service',
    'payment-service',
    'model-service',
    'generation-service',
    'gallery-service',
  ])(
    '%s: every operation answers every malformed request with a 2xx or a coded 4xx',
    async (service) => {
      const url = services.find(([name]) => name === service)![1];
      const doc = (await request(url).get('/docs-json').expect(200)).body as OpenApiDocument;
      const { broken, unreached, operations } = await walk(url, doc);
      expect(broken).toEqual([]);
      // A valid token must get past the guard somewhere, or the handlers were never tried.
      expect(unreached).toEqual([]);
      expect(operations).toBeGreaterThanOrEqual(3);
    },
    120_000,
  );
});
