import { ConfigError } from '../config/env';
import { restoreYoungGenerationGrowth } from './lean-boot-heap';

export interface RunningProcess {
  close(): Promise<void>;
}

/** Writes straight to stderr: at boot the logger may not exist yet. */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * The entry point of every process: starts it, turns a bad configuration into one readable
 * message and exit code 1, and stops it once on SIGINT/SIGTERM, or when the launcher that
 * started it goes away (IPC disconnect), with a hard deadline so no process lingers.
 */
export async function runProcess(
  name: string,
  start: () => Promise<RunningProcess>,
  shutdownTimeoutMs: number | (() => number) = 10_000,
): Promise<void> {
  let running: RunningProcess;
  try {
    running = await start();
    restoreYoungGenerationGrowth();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    fail(
      `${name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
  }

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${name}: stopping (${reason})\n`);
    const limitMs =
      typeof shutdownTimeoutMs === 'function' ? shutdownTimeoutMs() : shutdownTimeoutMs;
    setTimeout(() => fail(`${name}: shutdown took longer than ${limitMs} ms`), limitMs).unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => fail(`${name}: error while stopping: ${String(err)}`),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (process.send) process.once('disconnect', () => stop('launcher gone'));
}
