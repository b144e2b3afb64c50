import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env, loadBaseConfig } from '@pingvas/common';
import {
  QueueNames,
  RpcPatterns,
  TINY_MODEL,
  userCreatedJobId,
  UserEventNames,
} from '@pingvas/contracts';
import type { ServiceDatabase } from '@pingvas/database';
import { makeTinyModel } from '@pingvas/inference';
import { RpcClient } from '@pingvas/messaging';
import {
  eventually,
  signingKeyFixture,
  sparePort,
  type SpawnedService,
  spawnService,
  TEST_REDIS_URL,
  TestPostgresServer,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import request, { type Response } from 'supertest';
import { GENERATION_DATABASE } from '../../apps/generation-service/src/database';
import { MODEL_DATABASE } from '../../apps/model-service/src/database';
import { PAYMENT_DATABASE } from '../../apps/payment-service/src/database';
import { USER_DATABASE } from '../../apps/user-service/src/database';
import { ledgerMismatches } from '../support/payment-service';
import { newAccount, type Session } from '../support/user-service';

/** What a client must be told while the database is away: 503, the code, and when to retry. */
function expectDatabaseUnavailable(res: Response, what: string): void {
  expect({ what, status: res.status, code: res.body?.code }).toEqual({
    what,
    status: 503,
    code: 'DATABASE_UNAVAILABLE',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/**
 * user, payment, model and generation services as real processes (so a crash is seen as an
 * exit) on a PostgreSQL cluster this test owns, stopped and started again under traffic. The
 * three tests run in order: before, during and after the outage.
 */
describe('PostgreSQL stopped under running services', () => {
  const namespace = uniqueName('t');
  const bearer = { type: 'bearer' } as const;
  const account = newAccount();
  const login = { email: account.email, password: account.password };
  let pg: TestPostgresServer;
  let tmp: string;
  let services: SpawnedService[] = [];
  let users: SpawnedService;
  let payment: SpawnedService;
  let generation: SpawnedService;
  let session: Session;
  let signUpGrant: number;
  let userEvents: Queue;
  let rpc: RpcClient;
  const accepted: { id: string; cost: number }[] = [];

  const get = (s: SpawnedService, path: string) =>
    request(s.url).get(path).auth(session.accessToken, bearer);
  const signIn = () => request(users.url).post('/api/v1/auth/login').send(login);
  const submit = () =>
    request(generation.url)
      .post('/api/v1/generations')
      .auth(session.accessToken, bearer)
      .send({ prompt: 'a lighthouse at dusk', steps: 1 });
  const dead = () => services.filter((s) => !s.alive()).map((s) => s.name);

  beforeAll(async () => {
    pg = new TestPostgresServer(await sparePort());
    await pg.init();
    tmp = await mkdtemp(join(tmpdir(), 'pingvas-pg-outage-'));
    await makeTinyModel(join(tmp, 'models', TINY_MODEL.path));
    const key = await signingKeyFixture();
    const ports = await Promise.all([sparePort(), sparePort(), sparePort(), sparePort()]);
    const common: Env = {
      APP_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      REDIS_URL: TEST_REDIS_URL,
      RPC_NAMESPACE: namespace,
      QUEUE_PREFIX: namespace,
      JWKS_URL: `http://127.0.0.1:${ports[0]}/.well-known/jwks.json`,
    };
    const boots: [string, ServiceDatabase, Env][] = [
      [
        'user-service',
        USER_DATABASE,
        { JWT_PRIVATE_KEYS: key.privateKeysJson, AUTH_RATE_LIMIT_PER_MINUTE: '10000' },
      ],
      ['payment-service', PAYMENT_DATABASE, { RESERVATION_SWEEP_INTERVAL_MS: '1000' }],
      [
        'model-service',
        MODEL_DATABASE,
        { MODELS_DIR: join(tmp, 'models'), REGISTER_TINY_MODEL: 'true' },
      ],
      [
        'generation-service',
        GENERATION_DATABASE,
        {
          STORAGE_DIR: join(tmp, 'storage'),
          GENERATION_RATE_LIMIT_PER_MINUTE: '100000',
          GENERATION_SWEEP_INTERVAL_MS: '500',
          GENERATION_SWEEP_GRACE_MS: '2000',
        },
      ],
    ];
    services = await Promise.all(
      boots.map(([name, db, env], i) =>
        spawnService(name, db, { databaseUrl: pg.url, port: ports[i], env: { ...common, ...env } }),
      ),
    );
    [users, payment, , generation] = services;

    session = (await request(users.url).post('/api/v1/auth/signup').send(account).expect(201)).body;
    const opened = await eventually(
      async () => {
        const res = await get(payment, '/api/v1/credits/balance');
        return res.status === 200 ? res.body : undefined;
      },
      15_000,
      'the credit account opened from user.created',
    );
    signUpGrant = opened.available;
    // The free plan runs one job at a time and no worker runs here: a plan with room for three.
    await payment.sql(`UPDATE "credit_accounts" SET "plan_id" = 'pro' WHERE "user_id" = $1`, [
      session.user.id,
    ]);
    const first = await eventually(
      async () => {
        const res = await submit();
        return res.status === 202 ? res.body : undefined;
      },
      15_000,
      'a first generation accepted (once the tiny model is registered)',
    );
    accepted.push({ id: first.id, cost: first.cost });

    userEvents = new Queue(QueueNames.userEvents, {
      prefix: namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
    userEvents.on('error', () => undefined);
    rpc = new RpcClient(
      loadBaseConfig('postgres-outage-test', 0, {
        APP_ENV: 'test',
        REDIS_URL: TEST_REDIS_URL,
        RPC_NAMESPACE: namespace,
      }),
    );
    rpc.onApplicationBootstrap();
  }, 240_000);

  afterAll(async () => {
    for (const s of services) if (s.alive()) s.proc.child.kill('SIGTERM');
    await Promise.all(services.map((s) => s.proc.exited));
    await userEvents?.close();
    await rpc?.onApplicationShutdown();
    await pg?.destroy();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After on every endpoint, over RPC too, and no process exits', async () => {
    // Signed-in reads keep coming while the server stops: none may be a 500.
    const answers: { what: string; res: Response }[] = [];
    let trafficOn = true;
    const reads: [SpawnedService, string][] = [
      [users, '/api/v1/users/me'],
      [payment, '/api/v1/credits/balance'],
      [generation, '/api/v1/generations'],
    ];
    const traffic = (async () => {
      for (let i = 0; trafficOn; i++) {
        const [service, path] = reads[i % reads.length];
        answers.push({ what: `${service.name} ${path}`, res: await get(service, path) });
      }
    })();
    await pg.stop();
    const stoppedAt = answers.length;

    const during: [string, Promise<Response>][] = [
      ['GET /users/me', get(users, '/api/v1/users/me')],
      ['POST /auth/login', signIn()],
      ['GET /credits/balance', get(payment, '/api/v1/credits/balance')],
      ['GET /generations', get(generation, '/api/v1/generations')],
      ['GET /generations/:id', get(generation, `/api/v1/generations/${accepted[0].id}`)],
      // generation-service asks payment-service for the plan first: the RPC answer's code.
      ['POST /generations', submit()],
    ];
    for (const [what, answer] of during) expectDatabaseUnavailable(await answer, what);
    await expect(
      rpc.send(RpcPatterns.user.usersGet, { id: session.user.id }),
    ).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });

    // The outage lasts long enough for every timer (outbox relay 2 s, sweeper, expiry) to run.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    trafficOn = false;
    await traffic;
    const inOutage = answers.slice(stoppedAt);
    expect(inOutage.length).toBeGreaterThan(0);
    for (const { what, res } of inOutage) expectDatabaseUnavailable(res, what);
    const neither = answers.filter(({ res }) => res.status !== 200 && res.status !== 503);
    expect(neither.map(({ what, res }) => `${what}: ${res.status}`)).toEqual([]);
    expect(dead()).toEqual([]);
  }, 60_000);

  it('keeps a queue job that meets the outage waiting, without spending its only attempt', async () => {
    const userId = randomUUID();
    const event = {
      userId,
      email: `${userId}@example.com`,
      displayName: null,
      createdAt: new Date().toISOString(),
    };
    const job = await userEvents.add(UserEventNames.created, event, {
      jobId: userCreatedJobId(userId),
      attempts: 1,
    });
    const tried = await eventually(
      async () => {
        const state = await job.getState();
        return ['delayed', 'failed', 'completed'].includes(state) ? state : undefined;
      },
      15_000,
      'the user.created job tried while the database is away',
    );
    expect(tried).toBe('delayed');

    await pg.start();
    await eventually(
      async () => ((await job.getState()) === 'completed' ? true : undefined),
      15_000,
      'the job done once the database is back',
    );
    const account = await payment.sql(
      `SELECT "user_id" FROM "credit_accounts" WHERE "user_id" = $1`,
      [userId],
    );
    expect(account).toHaveLength(1);
  }, 60_000);

  it('answers again within seconds of the restart, with every ledger exact', async () => {
    const restartedAt = Date.now();
    await eventually(
      async () => {
        const answers = await Promise.all([
          get(users, '/api/v1/users/me'),
          get(payment, '/api/v1/credits/balance'),
          get(generation, '/api/v1/generations'),
          signIn(),
        ]);
        return answers.every((res) => res.status === 200) ? true : undefined;
      },
      15_000,
      'every service answering 200 again',
    );
    process.stdout.write(`requests succeeded again ${Date.now() - restartedAt} ms after restart\n`);
    const after = await submit().expect(202);
    accepted.push({ id: after.body.id, cost: after.body.cost });

    // Only the accepted generations exist, each holding its cost; the ledger sums to the balance.
    const rows = await generation.sql<{ id: string }>(
      `SELECT "id" FROM "generations" WHERE "user_id" = $1`,
      [session.user.id],
    );
    expect(rows.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.id).sort());
    const held = accepted.reduce((sum, a) => sum + a.cost, 0);
    const balance = await get(payment, '/api/v1/credits/balance').expect(200);
    expect(balance.body).toMatchObject({ available: signUpGrant - held, reserved: held });
    expect(await ledgerMismatches(payment)).toEqual([]);
    expect(dead()).toEqual([]);
  }, 60_000);
});
