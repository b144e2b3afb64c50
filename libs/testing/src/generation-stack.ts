import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { makeTinyModel } from '@pingvas/inference';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import request from 'supertest';
import { loadGalleryServiceConfig } from '../../../apps/gallery-service/src/config';
import { GALLERY_DATABASE } from '../../../apps/gallery-service/src/database';
import { GalleryServiceModule } from '../../../apps/gallery-service/src/gallery-service.module';
import { loadGenerationServiceConfig } from '../../../apps/generation-service/src/config';
import { GENERATION_DATABASE } from '../../../apps/generation-service/src/database';
import { GenerationServiceModule } from '../../../apps/generation-service/src/generation-service.module';
import { loadModelServiceConfig } from '../../../apps/model-service/src/config';
import { MODEL_DATABASE } from '../../../apps/model-service/src/database';
import { ModelServiceModule } from '../../../apps/model-service/src/model-service.module';
import { TINY_MODEL } from '../../../apps/model-service/src/models/tiny-model.bootstrap';
import { bootService, type RunningApp, type SpawnedProcess, spawnBuilt } from './boot';
import {
  eventually,
  sparePort,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  testEnv,
  uniqueName,
} from './infra';
import { bootPaymentService, type PaymentServiceUnderTest } from './payment-service';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from './user-service';

const ADMIN_EMAIL = 'ops@example.com';

/** A wider, deeper tiny model: about 0.2 s a step at 512x512 on two cores (its 2.6 MB file stays small). */
export const SLOW_MODEL = {
  ...TINY_MODEL,
  name: 'tiny-sd-slow',
  path: 'tiny-sd-slow',
  defaults: { ...TINY_MODEL.defaults, width: 512, height: 512, steps: 8 },
};

export interface Customer {
  session: Session;
  userId: string;
  token: string;
}

export interface RunningWorker {
  process: SpawnedProcess;
  url: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface GenerationStack {
  namespace: string;
  storageDir: string;
  modelsDir: string;
  users: UserServiceUnderTest;
  payment: PaymentServiceUnderTest;
  models: RunningApp;
  generation: RunningApp;
  /** With `gallery: true`: gallery-service on the same blob store. */
  gallery?: RunningApp;
  admin: Customer;
  /** Runs SQL in generation-service's schema. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  queue(name: string): Queue;
  customer(tier?: Tier, credits?: number): Promise<Customer>;
  /** The built worker as a real process (so a test can kill -9 it); resolves once it takes jobs. */
  startWorker(extra?: Env): Promise<RunningWorker>;
  balance(c: Customer): Promise<{ available: number; reserved: number }>;
  /** The balance once nothing is held any more (every settlement landed). */
  settledBalance(c: Customer): Promise<{ available: number; reserved: number }>;
  waitFor(c: Customer, id: string, statuses: string[], timeoutMs?: number): Promise<GenerationBody>;
  stop(): Promise<void>;
}

export interface GenerationBody {
  id: string;
  status: string;
  cost: number;
  progress: { step: number; steps: number };
  error: { code: string; message: string } | null;
  images: { id: string; index: number; width: number; height: number; seed: number }[];
  [key: string]: unknown;
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
  const modelsDir = await mkdtemp(join(tmpdir(), 'pingvas-models-'));
  await makeTinyModel(join(modelsDir, TINY_MODEL.path));
  if (options.slowModel)
    await makeTinyModel(join(modelsDir, SLOW_MODEL.path), {
      unetChannels: 256,
      unetHiddenLayers: 4,
    });

  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const redis = { REDIS_URL: redisUrl };
  const users = await bootUserService(namespace, {
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ADMIN_EMAILS: ADMIN_EMAIL,
    ...redis,
  });
  const jwks = { JWKS_URL: `${users.url}/.well-known/jwks.json`, ...redis };
  const payment = await bootPaymentService(namespace, { ...jwks, ...options.paymentEnv });
  const modelSchema = await createTestSchema(TEST_DATABASE_URL, MODEL_DATABASE);
  const modelConfig = loadModelServiceConfig(
    testEnv({
      schema: modelSchema.schema,
      namespace,
      extra: { ...jwks, MODELS_DIR: modelsDir, REGISTER_TINY_MODEL: 'true' },
    }),
  );
  const models = await bootService(ModelServiceModule.forRoot(modelConfig), modelConfig);
  const genSchema: TestSchema = await createTestSchema(TEST_DATABASE_URL, GENERATION_DATABASE);
  const genConfig = loadGenerationServiceConfig(
    testEnv({
      schema: genSchema.schema,
      namespace,
      extra: {
        ...jwks,
        STORAGE_DIR: storageDir,
        GENERATION_RATE_LIMIT_PER_MINUTE: '100000',
        GENERATION_SWEEP_INTERVAL_MS: '500',
        GENERATION_SWEEP_GRACE_MS: '2000',
        ...options.generationEnv,
      },
    }),
  );
  const generation = await bootService(GenerationServiceModule.forRoot(genConfig), genConfig);
  const gallerySchema = options.gallery
    ? await createTestSchema(TEST_DATABASE_URL, GALLERY_DATABASE)
    : undefined;
  let gallery: RunningApp | undefined;
  if (gallerySchema) {
    const galleryConfig = loadGalleryServiceConfig(
      testEnv({
        schema: gallerySchema.schema,
        namespace,
        extra: { ...jwks, STORAGE_DIR: storageDir },
      }),
    );
    gallery = await bootService(GalleryServiceModule.forRoot(galleryConfig), galleryConfig);
  }
  const client = new Client({
    connectionString: TEST_DATABASE_URL,
    options: `-c search_path=${genSchema.schema}`,
  });
  await client.connect();
  const queues = new Map<string, Queue>();
  const workers = new Set<RunningWorker>();

  const signUp = async (email?: string): Promise<Customer> => {
    const res = await request(users.url)
      .post('/api/v1/auth/signup')
      .send(newAccount(email ? { email } : {}))
      .expect(201);
    const session = res.body as Session;
    return { session, userId: session.user.id, token: session.accessToken };
  };
  const admin = await signUp(ADMIN_EMAIL);

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
    sql: async <T>(text: string, params: unknown[] = []) =>
      (await client.query(text, params)).rows as T[],
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
      const c = await signUp();
      // The account opens from the user.created event; then the plan is set as a paid
      // subscription would set it, and the balance topped up when the test asks for more.
      await eventually(
        async () =>
          (await payment.sql(`SELECT 1 FROM "credit_accounts" WHERE "user_id" = $1`, [c.userId]))
            .length > 0 || undefined,
        10_000,
        'credit account opened',
      );
      if (tier !== 'free') {
        await payment.sql(`UPDATE "credit_accounts" SET "plan_id" = $2 WHERE "user_id" = $1`, [
          c.userId,
          tier,
        ]);
      }
      if (credits !== undefined) {
        const [{ available }] = await payment.sql<{ available: number }>(
          `SELECT "available" FROM "credit_accounts" WHERE "user_id" = $1`,
          [c.userId],
        );
        const missing = credits - Number(available);
        if (missing < 0) throw new Error(`customer(): the sign-up grant is already ${available}`);
        if (missing > 0) {
          await request(payment.url)
            .post('/api/v1/admin/credits/grants')
            .auth(admin.token, { type: 'bearer' })
            .set('Idempotency-Key', `grant-${c.userId}`)
            .send({ userId: c.userId, amount: missing, reason: 'test' })
            .expect(200);
        }
      }
      return c;
    },
    async startWorker(extra = {}) {
      const port = await sparePort();
      const child = spawnBuilt('apps/gpu-worker/src/main.js', {
        ...testEnv({ schema: 'unused_by_worker', namespace, port, redisUrl }),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
        MODELS_DIR: modelsDir,
        STORAGE_DIR: storageDir,
        WORKER_LOCK_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '500',
        WORKER_POLL_MS: '200',
        ...extra,
      });
      const url = `http://127.0.0.1:${port}`;
      await child.waitForLine((line) => line.includes('taking jobs from'), 30_000);
      const worker: RunningWorker = {
        process: child,
        url,
        async stop(signal = 'SIGTERM') {
          if (child.child.exitCode === null && child.child.signalCode === null)
            child.child.kill(signal);
          const code = await child.exited;
          workers.delete(worker);
          return code;
        },
      };
      workers.add(worker);
      return worker;
    },
    async balance(c) {
      const res = await request(payment.url)
        .get('/api/v1/credits/balance')
        .auth(c.token, { type: 'bearer' })
        .expect(200);
      return { available: res.body.available, reserved: res.body.reserved };
    },
    async settledBalance(c) {
      return eventually(
        async () => {
          const b = await stack.balance(c);
          return b.reserved === 0 ? b : undefined;
        },
        15_000,
        'credits settled',
      );
    },
    async waitFor(c, id, statuses, timeoutMs = 30_000) {
      return eventually(
        async () => {
          const res = await request(generation.url)
            .get(`/api/v1/generations/${id}`)
            .auth(c.token, { type: 'bearer' });
          return statuses.includes(res.body.status) ? (res.body as GenerationBody) : undefined;
        },
        timeoutMs,
        `generation ${id} to be ${statuses.join(' or ')}`,
        50,
      );
    },
    async stop() {
      await Promise.all([...workers].map((w) => w.stop('SIGKILL')));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await gallery?.close();
      await gallerySchema?.drop();
      await generation.close();
      await client.end();
      await genSchema.drop();
      await models.close();
      await modelSchema.drop();
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
