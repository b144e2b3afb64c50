import type { Env } from '@pingvas/common';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import {
  type SpawnedProcess,
  sparePort,
  spawnBuilt,
  TEST_DATABASE_URL,
  testEnv,
} from '@pingvas/testing';
import { SYSTEM_DATABASE } from '../../apps/system-worker/src/database';

export interface RunningSystemWorker {
  process: SpawnedProcess;
  url: string;
  schema: TestSchema;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Where the worker finds its queues, its peers and the blob store. */
export interface SystemWorkerPlace {
  /** RPC namespace and queue prefix, shared with the services of the test. */
  namespace: string;
  redisUrl?: string;
  storageDir: string;
  /** The test SMTP server's URL; absent: mail goes to the log. */
  smtpUrl?: string;
  /** A schema already migrated (a second worker on the same records); else a fresh one. */
  schema?: TestSchema;
}

/**
 * The built system worker as a real process, on a freshly migrated schema of its own; resolves
 * once it takes jobs. Its log is at info (TEST_LOG_LEVEL), so mail printed without SMTP shows.
 */
export async function startSystemWorker(
  place: SystemWorkerPlace,
  extra: Env = {},
): Promise<RunningSystemWorker> {
  const schema = place.schema ?? (await createTestSchema(TEST_DATABASE_URL, SYSTEM_DATABASE));
  const port = await sparePort();
  const child = spawnBuilt('apps/system-worker/src/main.js', {
    ...testEnv({
      schema: schema.schema,
      namespace: place.namespace,
      port,
      redisUrl: place.redisUrl,
    }),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    STORAGE_DIR: place.storageDir,
    ...(place.smtpUrl ? { SMTP_URL: place.smtpUrl } : {}),
    MAIL_FROM: 'Pingvas <no-reply@pingvas.test>',
    ...extra,
  });
  await Promise.race([
    child.waitForLine((line) => line.includes('taking jobs from'), 30_000),
    child.exited.then((code) => {
      throw new Error(`system-worker exited at boot (${code}):\n${child.stderr.join('\n')}`);
    }),
  ]);
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    schema,
    async stop(signal = 'SIGTERM') {
      if (child.child.exitCode === null && child.child.signalCode === null)
        child.child.kill(signal);
      return child.exited;
    },
  };
}
