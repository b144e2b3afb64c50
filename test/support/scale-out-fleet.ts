import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@pingvas/common';
import { createBlobStorage, loadStorageConfig, S3Storage } from '@pingvas/storage';
import {
  connectToSchema,
  type SchemaSql,
  signingKeyFixture,
  TEST_REDIS_URL,
  TestS3Server,
  uniqueName,
} from '@pingvas/testing';
import Redis from 'ioredis';
import { GALLERY_DATABASE } from '../../apps/gallery-service/src/database';
import { GENERATION_DATABASE } from '../../apps/generation-service/src/database';
import { MODEL_DATABASE } from '../../apps/model-service/src/database';
import { TINY_MODEL } from '@pingvas/contracts';
import { PAYMENT_DATABASE } from '../../apps/payment-service/src/database';
import { USER_DATABASE } from '../../apps/user-service/src/database';
import { type RunningWorker, startGpuWorker } from './gpu-worker';
import { type Replica, type ReplicaSet, spawnReplicaSet } from './replicas';
import { type Customer, signUp } from './user-service';

const ROOT = join(__dirname, '..', '..');
const BUCKET = 'pingvas-test-images';
const ADMIN_EMAIL = 'ops@example.com';
/** The tiny model as a stored package: workers pull it from the bucket into their own caches. */
export const STORED_MODEL = { name: 'tiny-sd-s3', prefix: 'models/tiny-sd-s3/1' };

export interface FleetOptions {
  /** Replicas of payment-, model- and generation-service each. */
  replicas: number;
  workers: number;
  /** RPC_TIMEOUT_MS of every process. */
  rpcTimeoutMs: number;
}

/** Every process of the suite as real processes on one namespace, blobs on one S3 bucket. */
export interface Fleet {
  namespace: string;
  /** Where presigned download URLs point (s3rver). */
  storageEndpoint: string;
  bucket: string;
  users: Replica;
  payment: ReplicaSet;
  models: ReplicaSet;
  generation: ReplicaSet;
  gallery: Replica;
  workers: RunningWorker[];
  admin: Customer;
  /** SQL in payment-service's schema (its replicas share it). */
  paymentSql: SchemaSql;
  /** Seconds each boot step took. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

async function timed<T>(timings: Record<string, number>, step: string, run: () => Promise<T>) {
  const started = Date.now();
  const value = await run();
  timings[step] = (Date.now() - started) / 1000;
  return value;
}

/** Waits for every boot, so a failure never leaves a process booting past the cleanup. */
async function allBooted<T extends readonly unknown[] | []>(
  boots: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled<readonly unknown[]>(boots);
  const failed = settled.find((b): b is PromiseRejectedResult => b.status === 'rejected');
  if (failed) throw failed.reason;
  return Promise.all(boots);
}

/** The bundled tiny model (made by the e2e global setup) put under STORED_MODEL.prefix. */
async function storeTinyModel(env: Env): Promise<void> {
  const bucket = createBlobStorage(loadStorageConfig('test', env));
  const dir = join(ROOT, 'models', TINY_MODEL.path);
  try {
    const files = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const f of files.filter((e) => e.isFile())) {
      const file = join(f.parentPath, f.name).slice(dir.length + 1);
      await bucket.put(`${STORED_MODEL.prefix}/${file}`, await readFile(join(dir, file)));
    }
  } finally {
    if (bucket instanceof S3Storage) bucket.close();
  }
}

/**
 * Boots the fleet: s3rver, user-service, then N replicas each of payment-, model- and
 * generation-service with gallery-service beside them, then the GPU workers, each with its own
 * model cache and an empty MODELS_DIR (no folder is shared; the warm-up model is the read-only
 * bundled one, as the image bakes it in). The tiny model is stored in the bucket and
 * registered by its prefix.
 */
export async function bootFleet(options: FleetOptions): Promise<Fleet> {
  const namespace = uniqueName('t');
  const timings: Record<string, number> = {};
  const s3 = await TestS3Server.start([BUCKET]);
  const storage = s3.storageEnv(BUCKET);
  const tmp = await mkdtemp(join(tmpdir(), 'pingvas-scale-out-'));
  const started: ReplicaSet[] = [];
  const workers: RunningWorker[] = [];
  const common: Env = { RPC_TIMEOUT_MS: String(options.rpcTimeoutMs) };
  const set = async (
    app: string,
    db: Parameters<typeof spawnReplicaSet>[1],
    n: number,
    env: Env,
  ) => {
    const s = await spawnReplicaSet(app, db, n, namespace, { ...common, ...env });
    started.push(s);
    return s;
  };
  let paymentDb: Awaited<ReturnType<typeof connectToSchema>> | undefined;
  const stop = async () => {
    await Promise.all([
      ...workers.map((w) => w.stop('SIGKILL')),
      ...started.flatMap((s) => s.replicas.map((r) => r.stop('SIGKILL'))),
    ]);
    await paymentDb?.end();
    await Promise.all(started.map((s) => s.schema.drop()));
    await s3.stop();
    await rm(tmp, { recursive: true, force: true });
    await deleteNamespace(namespace);
  };
  try {
    const key = await signingKeyFixture();
    const userSet = await timed(timings, 'user-service', () =>
      set('user-service', USER_DATABASE, 1, {
        JWT_PRIVATE_KEYS: key.privateKeysJson,
        ADMIN_EMAILS: ADMIN_EMAIL,
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      }),
    );
    const users = userSet.replicas[0]!;
    const jwks = { JWKS_URL: `${users.url}/.well-known/jwks.json` };
    const n = options.replicas;
    const [payment, models, generation, gallerySet] = await timed(timings, 'services', () =>
      allBooted([
        set('payment-service', PAYMENT_DATABASE, n, jwks),
        set('model-service', MODEL_DATABASE, n, {
          ...jwks,
          ...storage,
          MODELS_DIR: join(tmp, 'model-service-models'),
          REGISTER_TINY_MODEL: 'false',
        }),
        set('generation-service', GENERATION_DATABASE, n, {
          ...jwks,
          ...storage,
          GENERATION_RATE_LIMIT_PER_MINUTE: '100000',
          GENERATION_SWEEP_INTERVAL_MS: '500',
          GENERATION_SWEEP_GRACE_MS: '2000',
        }),
        set('gallery-service', GALLERY_DATABASE, 1, { ...jwks, ...storage }),
      ]),
    );
    const place = (i: number) => ({
      namespace,
      redisUrl: TEST_REDIS_URL,
      modelsDir: join(tmp, `worker-${i}-models`),
      storageDir: join(tmp, `worker-${i}-storage`),
    });
    await timed(timings, 'workers', () =>
      allBooted(
        Array.from({ length: options.workers }, async (_, i) => {
          const worker = await startGpuWorker(place(i), {
            ...common,
            ...storage,
            WORKER_ID: `worker-${i + 1}`,
            MODEL_CACHE_DIR: join(tmp, `worker-${i}-cache`),
            WARMUP_MODEL: join(ROOT, 'models', TINY_MODEL.path),
          });
          workers.push(worker);
        }),
      ),
    );
    const admin = await signUp(users.url, ADMIN_EMAIL);
    await timed(timings, 'stored model', async () => {
      await storeTinyModel(storage);
      const { path: _local, ...tiny } = TINY_MODEL;
      const res = await fetch(`${models.replicas[0]!.url}/api/v1/models`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          ...tiny,
          name: STORED_MODEL.name,
          storagePrefix: STORED_MODEL.prefix,
        }),
      });
      if (res.status !== 201) throw new Error(`model not registered: ${await res.text()}`);
    });
    paymentDb = await connectToSchema(payment.schema.schema);
    return {
      namespace,
      storageEndpoint: s3.endpoint,
      bucket: BUCKET,
      users,
      payment,
      models,
      generation,
      gallery: gallerySet.replicas[0]!,
      workers,
      admin,
      paymentSql: paymentDb.sql,
      timings,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Removes what the fleet left on the shared Redis: streams, queues and sets of its namespace. */
async function deleteNamespace(namespace: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${namespace}:*`, count: 500 }))
      if (Array.isArray(keys) && keys.length > 0) await redis.unlink(...keys.map(String));
  } finally {
    redis.disconnect();
  }
}
