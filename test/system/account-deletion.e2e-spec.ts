import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  connectToSchema,
  eventually,
  LemonSqueezyStandIn,
  TestSmtpServer,
  verifyEmailOf,
} from '@pingvas/testing';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../support/generation-stack';
import { lemonSqueezyEnv, postWebhook } from '../support/payment-service';
import { type RunningSystemWorker, startSystemWorker } from '../support/system-worker';
import type { Customer } from '../support/user-service';

/** Every file path under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/**
 * Every row of every table in `schema` whose JSON form mentions one of `needles` (the user's id,
 * their address): after an erasure no service may hold a row that names the person.
 */
async function rowsNaming(schema: string, needles: string[]): Promise<string[]> {
  const db = await connectToSchema(schema);
  try {
    const tables = await db.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [schema],
    );
    const found: string[] = [];
    for (const { table_name: table } of tables) {
      for (const needle of needles) {
        const [{ n }] = await db.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table}" t WHERE row_to_json(t)::text ILIKE $1`,
          [`%${needle}%`],
        );
        if (n > 0) found.push(`${schema}.${table}: ${n} row(s) naming ${needle}`);
      }
    }
    return found;
  } finally {
    await db.end();
  }
}

/**
 * Issue 17's acceptance for deletion, with every part real: user-, payment-, model-,
 * generation- and gallery-service, the GPU worker and the system worker (mail over a real SMTP
 * server). A customer with generations, gallery images, a board, an API key and an export
 * and a Lemon Squeezy subscription (the stand-in) deletes the account; within 10 s nothing in any schema, file or queue names them, their
 * credentials are refused everywhere, another customer is untouched, and the address is free.
 */
const WEBHOOK_SECRET = 'whsec-deletion-1234567890';
const SUBSCRIPTION_ID = '9300';

describe('system: deleting an account erases it from every service', () => {
  const smtp = new TestSmtpServer();
  const lemon = new LemonSqueezyStandIn();
  let stack: GenerationStack;
  let worker: RunningSystemWorker;
  let leaving: Customer;
  let staying: Customer;
  let apiKey: string;

  async function generateOneImage(c: Customer, prompt: string): Promise<void> {
    const res = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send({ prompt, steps: 2, seed: 3 })
      .expect(202);
    await stack.waitFor(c, res.body.id as string, ['succeeded'], 60_000);
    await eventually(
      async () => {
        const images = await request(stack.gallery!.url)
          .get('/api/v1/images')
          .auth(c.token, { type: 'bearer' });
        return images.body.items?.length >= 1 ? true : undefined;
      },
      20_000,
      'the image in the gallery',
    );
  }

  const schemas = () => [
    stack.users.schema.schema,
    stack.payment.schema.schema,
    stack.generation.schema.schema,
    stack.gallery!.schema.schema,
    worker.schema.schema,
  ];

  beforeAll(async () => {
    await Promise.all([smtp.start(), lemon.start()]);
    stack = await bootGenerationStack({
      gallery: true,
      paymentEnv: {
        ...lemonSqueezyEnv(lemon, WEBHOOK_SECRET, { pro: '1002' }),
      },
    });
    worker = await startSystemWorker({
      namespace: stack.namespace,
      storageDir: stack.storageDir,
      smtpUrl: smtp.url,
    });
    await stack.startWorker();
    leaving = await stack.customer('pro', 100);
    staying = await stack.customer('pro', 100);

    const email = leaving.session.user.email;
    await verifyEmailOf(stack.users.url, stack.users, email);
    apiKey = (
      await request(stack.users.url)
        .post('/api/v1/api-keys')
        .auth(leaving.token, { type: 'bearer' })
        .send({ name: 'script' })
        .expect(201)
    ).body.secret as string;

    // A Pro subscription, known to Lemon Squeezy and (by its webhook) to payment-service.
    const attributes = lemon.addSubscription(SUBSCRIPTION_ID, { variant_id: 1002 });
    await postWebhook(stack.payment.url, WEBHOOK_SECRET, {
      meta: { event_name: 'subscription_created', custom_data: { user_id: leaving.userId } },
      data: { type: 'subscriptions', id: SUBSCRIPTION_ID, attributes },
    }).expect(200);

    await generateOneImage(leaving, '바닷가의 등대');
    await generateOneImage(staying, 'a lighthouse by the sea');
    await request(stack.gallery!.url)
      .post('/api/v1/boards')
      .auth(leaving.token, { type: 'bearer' })
      .send({ name: '여행' })
      .expect(201);
    // An export zip in the blob store, built and mailed before the account goes.
    await request(stack.users.url)
      .post('/api/v1/users/me/export')
      .auth(leaving.token, { type: 'bearer' })
      .expect(202);
    await smtp.waitFor(
      (m) => m.envelope.to.includes(email) && /zip|내보내기/i.test(m.subject),
      1,
      60_000,
    );
  }, 300_000);

  afterAll(async () => {
    await worker?.stop();
    await worker?.schema.drop();
    await stack?.stop();
    await Promise.all([smtp.stop(), lemon.stop()]);
  });

  it('holds the leaving customer everywhere before the deletion (the checks below can fail)', async () => {
    const needles = [leaving.userId];
    const before = (await Promise.all(schemas().map((s) => rowsNaming(s, needles)))).flat();
    for (const schema of schemas().slice(0, 4)) {
      expect(before.some((row) => row.startsWith(`${schema}.`))).toBe(true);
    }
    const files = await filesUnder(stack.storageDir);
    expect(files.filter((f) => f.includes(leaving.userId)).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses the credentials at once and leaves nothing naming the person within 10 s', async () => {
    const email = leaving.session.user.email;
    const started = Date.now();
    await request(stack.users.url)
      .delete('/api/v1/users/me')
      .auth(leaving.token, { type: 'bearer' })
      .send({ password: 'correct horse battery' })
      .expect(202);

    // The access token and the API key stop working on every service right away.
    for (const [url, path] of [
      [stack.users.url, '/api/v1/users/me'],
      [stack.payment.url, '/api/v1/credits/balance'],
      [stack.generation.url, '/api/v1/generations'],
      [stack.gallery!.url, '/api/v1/images'],
    ] as const) {
      await request(url).get(path).auth(leaving.token, { type: 'bearer' }).expect(401);
      await request(url).get(path).auth(apiKey, { type: 'bearer' }).expect(401);
    }

    const leftovers = await eventually(
      async () => {
        const rows = (
          await Promise.all(schemas().map((s) => rowsNaming(s, [leaving.userId, email])))
        ).flat();
        const files = (await filesUnder(stack.storageDir)).filter((f) =>
          f.includes(leaving.userId),
        );
        return rows.length === 0 && files.length === 0 ? { rows, files } : undefined;
      },
      10_000,
      'every row and file of the deleted user gone',
    ).catch(async (err: Error) => {
      const rows = (
        await Promise.all(schemas().map((s) => rowsNaming(s, [leaving.userId, email])))
      ).flat();
      const files = (await filesUnder(stack.storageDir)).filter((f) => f.includes(leaving.userId));
      throw new Error(`${err.message}: ${JSON.stringify({ rows, files })}`);
    });
    expect(leftovers).toEqual({ rows: [], files: [] });
    console.log(
      `account erased from every schema and the blob store in ${Date.now() - started} ms`,
    );

    const [goodbye] = await smtp.waitFor(
      (m) => m.envelope.to.includes(email) && /삭제|deleted/i.test(m.subject),
      1,
      10_000,
    );
    expect(goodbye.text.length).toBeGreaterThan(0);
    // The subscription was cancelled at Lemon Squeezy, once.
    expect(lemon.requestsFor(SUBSCRIPTION_ID).map((r) => r.method)).toEqual(['DELETE']);
  });

  it('keeps the other customer whole and lets the address sign up again', async () => {
    const images = await request(stack.gallery!.url)
      .get('/api/v1/images')
      .auth(staying.token, { type: 'bearer' })
      .expect(200);
    expect(images.body.items).toHaveLength(1);
    const balance = await request(stack.payment.url)
      .get('/api/v1/credits/balance')
      .auth(staying.token, { type: 'bearer' })
      .expect(200);
    expect(balance.body.available).toBeGreaterThan(0);
    const files = await filesUnder(stack.storageDir);
    expect(files.some((f) => f.includes(staying.userId))).toBe(true);

    await request(stack.users.url)
      .post('/api/v1/auth/signup')
      .send({ email: leaving.session.user.email, password: 'another good password' })
      .expect(201);
  });
});
