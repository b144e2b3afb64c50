import type { Env } from '@pingvas/common';
import { type SpawnedProcess, sparePort, spawnBuilt, testEnv } from '@pingvas/testing';

export interface RunningWorker {
  process: SpawnedProcess;
  url: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Where the worker finds its peers, its models and the blob store. */
export interface WorkerPlace {
  namespace: string;
  redisUrl: string;
  modelsDir: string;
  storageDir: string;
}

/** The built gpu-worker as a real process (so a test can kill -9 it); resolves once it takes jobs. */
export async function startGpuWorker(place: WorkerPlace, extra: Env = {}): Promise<RunningWorker> {
  const port = await sparePort();
  const child = spawnBuilt('apps/gpu-worker/src/main.js', {
    ...testEnv({
      schema: 'unused_by_worker',
      namespace: place.namespace,
      port,
      redisUrl: place.redisUrl,
    }),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    MODELS_DIR: place.modelsDir,
    STORAGE_DIR: place.storageDir,
    WORKER_LOCK_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '500',
    WORKER_POLL_MS: '200',
    ...extra,
  });
  await child.waitForLine((line) => line.includes('taking jobs from'), 30_000);
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    async stop(signal = 'SIGTERM') {
      if (child.child.exitCode === null && child.child.signalCode === null)
        child.child.kill(signal);
      return child.exited;
    },
  };
}
