import { hostname } from 'node:os';
import { type Env, envInt, loadServiceConfig } from '@pingvas/common';
import { GPU_WORKER } from '@pingvas/contracts';
import { parseProviders, type ProviderName } from '@pingvas/inference';
import { loadStorageConfig } from '@pingvas/storage';
import { z } from 'zod';

const workerEnv = {
  MODELS_DIR: z.string().default('models'),
  /** Tried in order; the first that loads is used (CUDA where its provider is installed). */
  ORT_EXECUTION_PROVIDERS: z
    .string()
    .default('cuda,cpu')
    .transform((value, ctx): ProviderName[] => {
      try {
        return parseProviders(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Node-local folder stored model packages are downloaded into, shared by the node's workers. */
  MODEL_CACHE_DIR: z.string().default('.var/model-cache'),
  /** Past this many bytes, least recently used packages not in use leave the cache. */
  MODEL_CACHE_MAX_BYTES: envInt(1, Number.MAX_SAFE_INTEGER).default(50 * 1024 ** 3),
  /** How many models stay loaded at once (least recently used are released). */
  MODEL_CACHE_SIZE: envInt(1, 16).default(2),
  /** Loaded at start; /ready answers 200 only once it runs. A name under MODELS_DIR or an absolute path. */
  WARMUP_MODEL: z.string().default('tiny-sd'),
  /** Jobs run at once (one GPU: 1). */
  WORKER_CONCURRENCY: envInt(1, 16).default(1),
  /** On SIGTERM, how long the running job may take to finish before the worker exits anyway. */
  WORKER_SHUTDOWN_GRACE_MS: envInt(0, 3_600_000).default(60_000),
  /** A job's lock; renewed at half of it while it runs. A dead worker's job is retried once the lock lapses. */
  WORKER_LOCK_MS: envInt(500, 600_000).default(30_000),
  /** How often this worker looks for jobs whose worker died (BullMQ's stalled-job check). */
  WORKER_STALLED_INTERVAL_MS: envInt(200, 600_000).default(30_000),
  /** Longest idle wait between looks at the queues (a job added wakes the worker sooner). */
  WORKER_POLL_MS: envInt(10, 60_000).default(1000),
  /** How often the tier weights are read again from payment-service's plans. */
  WORKER_WEIGHTS_REFRESH_MS: envInt(1000, 3_600_000).default(60_000),
  /** The most progress updates a job sends per second. */
  WORKER_PROGRESS_PER_SECOND: envInt(1, 100).default(4),
  /** The most live previews (a small PNG of the image being formed) a job sends per second; 0: none. */
  WORKER_PREVIEWS_PER_SECOND: envInt(0, 10).default(2),
  WORKER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
};

export function loadGpuWorkerConfig(env: Env) {
  const { name, port } = GPU_WORKER;
  return loadServiceConfig(name, port, env, workerEnv, (e) => ({
    inference: {
      modelsDir: e.MODELS_DIR,
      providers: e.ORT_EXECUTION_PROVIDERS,
      cacheSize: e.MODEL_CACHE_SIZE,
      warmupModel: e.WARMUP_MODEL,
      packageCache: { dir: e.MODEL_CACHE_DIR, maxBytes: e.MODEL_CACHE_MAX_BYTES },
    },
    worker: {
      id: e.WORKER_ID ?? `${hostname()}-${process.pid}`,
      concurrency: e.WORKER_CONCURRENCY,
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
      lockMs: e.WORKER_LOCK_MS,
      stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
      pollMs: e.WORKER_POLL_MS,
      weightsRefreshMs: e.WORKER_WEIGHTS_REFRESH_MS,
      progressIntervalMs: Math.ceil(1000 / e.WORKER_PROGRESS_PER_SECOND),
      /** 0: no previews. */
      previewIntervalMs:
        e.WORKER_PREVIEWS_PER_SECOND === 0 ? 0 : Math.ceil(1000 / e.WORKER_PREVIEWS_PER_SECOND),
    },
    storage: loadStorageConfig(name, env),
  }));
}

export type GpuWorkerConfig = ReturnType<typeof loadGpuWorkerConfig>;
