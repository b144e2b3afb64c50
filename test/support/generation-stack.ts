import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import {
  bootOnTestSchema,
  connectToSchema,
  eventually,
  type SchemaSql,
  type ServiceOnSchema,
  TEST_REDIS_URL,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import { GALLERY_SERVICE } from './gallery-service';
import { GENERATION_SERVICE, type GenerationBody, waitForGeneration } from './generation-service';
import { type RunningWorker, startGpuWorker } from './gpu-worker';
import { makeModelsDir, MODEL_SERVICE, SLOW_MODEL } from './model-service';
import {
  arrangeCreditAccount,
  type Balance,
  balanceOf,
  bootPaymentService,
  type PaymentServiceUnderTest,
} from './payment-service';
import { bootUserService, type Customer, signUp, type UserServiceUnderTest } from './user-service';

const ADMIN_EMAIL = 'ops@example.com';

export interface GenerationStack {
  namespace: string;
  storageDir: string;
  modelsDir: string;
  users: UserServiceUnderTest;
  payment: PaymentServiceUnderTest;
  models: ServiceOnSchema;
  generation: ServiceOnSchema;
  /** With `gallery: true`: gallery-service on the same blob store. */
  gallery?: ServiceOnSchema;
  admin: Customer;
  /** Runs SQL in generation-service's schema. */
  sql: SchemaSql;
  queue(name: string): Queue;
  customer(tier?: Tier, credits?: number): Promise<Customer>;
  /** The built worker as a real process (so a test can kill -9 it); resolves once it takes jobs. */
  startWorker(extra?: Env): Promise<RunningWorker>;
  balance(c: Customer): Promise<Balance>;
  /** The balance once nothing is held any more (every settlement landed). */
  settledBalance(c: Customer): Promise<Balance>;
  waitFor(c: Customer, id: string, statuses: string[], timeoutMs?: number): Promise<GenerationBody>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Also register SLOW_MODEL (made in a temporary models folder). */
  slowModel?: boolean;
  generationEnv?: Env;
  paymentEnv?: Env;
  /** Also boot gallery-service (it takes the `gallery-ingest` jobs). */
  gallery?: boolean;
  /** Every process (and `queue()`) on this Redis, e.g. a TestRedisServer a test restarts. */
  redisUrl?: string;
}

/**
 * The generation path in one test file: user, payment, model and generation services in this
 * process (each on its own schema, one shared namespace) and, on demand, the built gpu-worker
 * as a child process. Only Lemon Squeezy is absent; everything else is real.
 */
export async function bootGenerationStack(options: StackOptions = {}): Promise<GenerationStack> {
  const namespace = uniqueName('t');
  const storageDir = await mkdtemp(join(tmpdir(), 'pingvas-storage-'));
  const modelsDir = await makeModelsDir(options.slowModel ?? false);

  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const redis = { REDIS_URL: redisUrl };
  const users = await bootUserService(namespace, {
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ADMIN_EMAILS: ADMIN_EMAIL,
    // The one blob store: the data export's zip, written by the system worker, is read here.
    STORAGE_DIR: storageDir,
    ...redis,
  });
  const jwks = { JWKS_URL: `${users.url}/.well-known/jwks.json`, ...redis };
  const payment = await bootPaymentService(namespace, { ...jwks, ...options.paymentEnv });
  const models = await bootOnTestSchema(MODEL_SERVICE, namespace, {
    ...jwks,
    MODELS_DIR: modelsDir,
    // Stored packages (storagePrefix) are validated from the blob store the worker reads.
    STORAGE_DIR: storageDir,
    REGISTER_TINY_MODEL: 'true',
  });
  const generation = await bootOnTestSchema(GENERATION_SERVICE, namespace, {
    ...jwks,
    STORAGE_DIR: storageDir,
    GENERATION_RATE_LIMIT_PER_MINUTE: '100000',
    GENERATION_SWEEP_INTERVAL_MS: '500',
    GENERATION_SWEEP_GRACE_MS: '2000',
    ...options.generationEnv,
  });
  let gallery: ServiceOnSchema | undefined;
  if (options.gallery) {
    gallery = await bootOnTestSchema(GALLERY_SERVICE, namespace, {
      ...jwks,
      STORAGE_DIR: storageDir,
    });
  }
  const db = await connectToSchema(generation.schema.schema);
  const queues = new Map<string, Queue>();
  const workers = new Set<RunningWorker>();
  const admin = await signUp(users.url, ADMIN_EMAIL);

  const stack: GenerationStack = {
    namespace,
    storageDir,
    modelsDir,
    users,
    payment,
    models,
    generation,
    gallery,
    admin,
    sql: db.sql,
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, {
          prefix: namespace,
          connection: { url: redisUrl } as never,
        });
        // A test that restarts Redis sees the outage in its own assertions, not on stderr.
        queue.on('error', () => undefined);
        queues.set(name, queue);
      }
      return queue;
    },
    async customer(tier = 'free', credits) {
      const c = await signUp(users.url);
      await arrangeCreditAccount(payment, admin, c, tier, credits);
      return c;
    },
    async startWorker(extra = {}) {
      const worker = await startGpuWorker({ namespace, redisUrl, modelsDir, storageDir }, extra);
      workers.add(worker);
      return worker;
    },
    balance: (c) => balanceOf(payment.url, c),
    settledBalance: (c) =>
      eventually(
        async () => {
          const b = await stack.balance(c);
          return b.reserved === 0 ? b : undefined;
        },
        15_000,
        'credits settled',
      ),
    waitFor: (c, id, statuses, timeoutMs) =>
      waitForGeneration(generation.url, c, id, statuses, timeoutMs),
    async stop() {
      // A worker a test stopped already has exited: stopping it again only awaits its exit.
      await Promise.all([...workers].map((w) => w.stop('SIGKILL')));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await gallery?.stop();
      await db.end();
      await generation.stop();
      await models.stop();
      await payment.stop();
      await users.stop();
      await rm(storageDir, { recursive: true, force: true });
      await rm(modelsDir, { recursive: true, force: true });
    },
  };
  if (options.slowModel) {
    await request(models.url)
      .post('/api/v1/models')
      .auth(admin.token, { type: 'bearer' })
      .send(SLOW_MODEL)
      .expect(201);
  }
  return stack;
}
