import { createHmac } from 'node:crypto';
import request from 'supertest';
import { TINY_MODEL } from '@pingvas/contracts';
import { send } from './fuzz/send';
import { type OpenApiDocument, operationsOf } from './openapi';
import { bootGenerationStack, type GenerationStack } from '../support/generation-stack';
import type { Customer } from '../support/user-service';

const DEPTH = 5_000;
const WEBHOOK_SECRET = 'request-shapes-secret';
const deepJson = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;

/** The field names a VALIDATION_FAILED body's details point at. */
function fieldsOf(body: { details?: { field: string }[] }): string[] {
  return (body.details ?? []).map((d) => d.field);
}

/**
 * Request shapes a black-box run found answered with 500 (issue 13): each must be a 4xx with a
 * code, and store nothing. Every service runs here, in this process, on its own schema.
 */
describe('request shapes that reached a 500', () => {
  let stack: GenerationStack;
  let user: Customer;
  let services: Record<string, string>;

  beforeAll(async () => {
    stack = await bootGenerationStack({
      gallery: true,
      paymentEnv: { LEMONSQUEEZY_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    user = await stack.customer('pro', 1000);
    services = {
      user: stack.users.url,
      payment: stack.payment.url,
      model: stack.models.url,
      generation: stack.generation.url,
      gallery: stack.gallery!.url,
    };
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (url: string, path: string, token?: string) => {
    const req = request(url).post(path);
    return token ? req.auth(token, { type: 'bearer' }) : req;
  };

  it(`refuses JSON nested ${DEPTH} levels deep with 400 BODY_TOO_DEEP on every operation with a body`, async () => {
    const answers: string[] = [];
    for (const [service, url] of Object.entries(services)) {
      const doc = (await request(url).get('/docs-json').expect(200)).body as OpenApiDocument;
      for (const op of operationsOf(doc).filter((o) => o.operation.requestBody)) {
        const path = op.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const res = await request(url)
          [op.method](path)
          .auth(stack.admin.token, { type: 'bearer' })
          .set('Content-Type', 'application/json')
          .set('Idempotency-Key', 'deep-json-key')
          .send(deepJson);
        answers.push(
          `${service} ${op.method.toUpperCase()} ${op.path} ${res.status} ${res.body.code}`,
        );
      }
    }
    // At least the 15 there were before issue 17 (which added more); each one refused alike.
    expect(answers.length).toBeGreaterThanOrEqual(15);
    for (const answer of answers) expect(answer).toMatch(/ 400 BODY_TOO_DEEP$/);
  });

  describe('a NUL byte in a string', () => {
    it('is refused in the sign-up displayName, naming the field, and no account is made', async () => {
      const email = `nul.${Date.now()}@example.com`;
      const res = await post(stack.users.url, '/api/v1/auth/signup')
        .send({ email, password: 'correct horse battery', displayName: 'Ada\u0000' })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['displayName']);
      const login = await post(stack.users.url, '/api/v1/auth/login')
        .send({ email, password: 'correct horse battery' })
        .expect(401);
      expect(login.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('is refused in the login email', async () => {
      const res = await post(stack.users.url, '/api/v1/auth/login')
        .send({ email: 'ada\u0000@example.com', password: 'correct horse battery' })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['email']);
    });

    it('is refused in an API key name, and no key is made', async () => {
      const res = await post(stack.users.url, '/api/v1/api-keys', user.token)
        .send({ name: 'farm\u0000' })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['name']);
      const keys = await request(stack.users.url)
        .get('/api/v1/api-keys')
        .auth(user.token, { type: 'bearer' })
        .expect(200);
      expect(keys.body).toEqual([]);
    });

    it('is refused in the checkout planId', async () => {
      const res = await post(stack.payment.url, '/api/v1/billing/checkout', user.token)
        .send({ planId: 'pro\u0000' })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['planId']);
    });

    it.each(['prompt', 'negativePrompt', 'modelId'])(
      'is refused in the generation %s, and nothing is queued or charged',
      async (field) => {
        const before = await stack.balance(user);
        const res = await post(stack.generation.url, '/api/v1/generations', user.token)
          .send({ prompt: 'a cat', steps: 1, [field]: 'a\u0000b' })
          .expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(res.body)).toEqual([field]);
        const list = await request(stack.generation.url)
          .get('/api/v1/generations')
          .auth(user.token, { type: 'bearer' })
          .expect(200);
        expect(list.body.items).toEqual([]);
        expect(await stack.balance(user)).toEqual(before);
      },
    );

    it('is refused in a model family, and no model is registered', async () => {
      const res = await post(stack.models.url, '/api/v1/models', stack.admin.token)
        .send({ ...TINY_MODEL, name: 'nul-family', family: 'sd\u0000' })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['family']);
      const models = await request(stack.models.url)
        .get('/api/v1/models')
        .auth(stack.admin.token, { type: 'bearer' })
        .expect(200);
      expect(models.body.map((m: { name: string }) => m.name)).not.toContain('nul-family');
    });

    it('is refused in a query string (GET /images?modelId=%00)', async () => {
      const res = await request(stack.gallery!.url)
        .get('/api/v1/images?modelId=%00')
        .auth(user.token, { type: 'bearer' })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['modelId']);
    });

    it('is refused in a path parameter', async () => {
      const res = await request(stack.models.url)
        .get('/api/v1/models/a%00b')
        .auth(user.token, { type: 'bearer' })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['id']);
    });

    it('is refused inside an object key, naming its path', async () => {
      const res = await post(stack.models.url, '/api/v1/models', stack.admin.token)
        .send({ ...TINY_MODEL, name: 'nul-key', defaults: { 'st\u0000eps': 1 } })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['defaults.st\u0000eps']);
    });
  });

  it('refuses a lone UTF-16 surrogate, which PostgreSQL text cannot hold either', async () => {
    const res = await post(stack.gallery!.url, '/api/v1/boards', user.token)
      .set('Content-Type', 'application/json')
      .send('{"name":"cats \\ud83d"}')
      .expect(400);
    expect(fieldsOf(res.body)).toEqual(['name']);
    const boards = await request(stack.gallery!.url)
      .get('/api/v1/boards')
      .auth(user.token, { type: 'bearer' })
      .expect(200);
    expect(boards.body.items).toEqual([]);
  });

  describe('PATCH /users/me', () => {
    it('refuses newPassword null with 400 naming it, and the password stays', async () => {
      const res = await request(stack.users.url)
        .patch('/api/v1/users/me')
        .auth(user.token, { type: 'bearer' })
        .send({ currentPassword: 'x', newPassword: null })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['newPassword']);
      await post(stack.users.url, '/api/v1/auth/login')
        .send({ email: user.session.user.email, password: 'correct horse battery' })
        .expect(200);
    });

    it('clears the display name on displayName null, as the document says it may be', async () => {
      const res = await request(stack.users.url)
        .patch('/api/v1/users/me')
        .auth(user.token, { type: 'bearer' })
        .send({ displayName: null })
        .expect(200);
      expect(res.body.displayName).toBeNull();
    });
  });

  it('refuses POST /models without limits with 400 naming it, and registers nothing', async () => {
    const { limits: _limits, ...withoutLimits } = TINY_MODEL;
    const res = await post(stack.models.url, '/api/v1/models', stack.admin.token)
      .send({ ...withoutLimits, name: 'no-limits' })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body)).toEqual(['limits']);
    const models = await request(stack.models.url)
      .get('/api/v1/models')
      .auth(stack.admin.token, { type: 'bearer' })
      .expect(200);
    expect(models.body.map((m: { name: string }) => m.name)).not.toContain('no-limits');
  });

  describe('a signed Lemon Squeezy webhook body (stored as jsonb)', () => {
    const deliver = (body: string) =>
      request(stack.payment.url)
        .post('/api/v1/webhooks/lemonsqueezy')
        .set('Content-Type', 'application/json')
        .set('X-Signature', createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'))
        .send(body);
    const stored = async () =>
      (await stack.payment.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "webhook_events"`))[0]
        .n;

    it.each([
      [
        'a NUL',
        '{"meta":{"event_name":"order_created"},"data":{"id":"o\\u0000"}}',
        'VALIDATION_FAILED',
      ],
      [
        'a lone surrogate',
        '{"meta":{"event_name":"order_created"},"data":{"id":"\\ud800"}}',
        'VALIDATION_FAILED',
      ],
      [
        '5,000 levels of nesting',
        `{"meta":{"event_name":"order_created"},"data":${deepJson}}`,
        'BODY_TOO_DEEP',
      ],
    ])('is refused with %s in it, and not stored', async (_what, body, code) => {
      const before = await stored();
      const res = await deliver(body).expect(400);
      expect(res.body.code).toBe(code);
      expect(await stored()).toBe(before);
    });
  });

  it("answers headers over Node's limit with a JSON 431 HEADERS_TOO_LARGE, not a bare status line", async () => {
    const res = await send(stack.users.url, {
      method: 'GET',
      target: '/api/v1/users/me',
      headers: { authorization: `Bearer ${'a'.repeat(20_000)}` },
    });
    expect(res.status).toBe(431);
    expect(res.contentType).toContain('application/json');
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('answers a body that does not gunzip with 400 MALFORMED_BODY', async () => {
    const res = await send(stack.users.url, {
      method: 'POST',
      target: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).code).toBe('MALFORMED_BODY');
  });
});
