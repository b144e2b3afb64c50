import { type SpawnedProcess, spawnBuilt } from '@pingvas/testing';

export interface RunningEdge {
  url: string;
  proc: SpawnedProcess;
  stop(): Promise<void>;
}

/** Runs the built edge (dist/apps/edge, as `npm start` does) and answers its URL once it listens. */
export async function startBuiltEdge(env: Record<string, string>): Promise<RunningEdge> {
  const proc = spawnBuilt('apps/edge/src/main.js', {
    APP_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  const line = await proc.waitForLine((l) => l.includes('listening on'), 15_000);
  const url = /listening on (http:\/\/[^"\s]+)/.exec(line)![1];
  return {
    url,
    proc,
    stop: async () => {
      if (proc.child.exitCode !== null) return;
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}
