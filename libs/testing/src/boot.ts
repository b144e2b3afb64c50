import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { type BaseConfig, createHttpApp, type Env, listen } from '@pingvas/common';
import { startService } from '@pingvas/messaging';

export interface RunningApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

function urlOf(app: INestApplication): string {
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/** Tests may stop a service mid-file (to see others cope) and again in afterAll. */
function closeOnce(app: INestApplication): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= app.close());
}

/** One of the five services, in this test process, exactly as `main.ts` starts it. */
export async function bootService(module: DynamicModule, config: BaseConfig): Promise<RunningApp> {
  const app = await startService(module, config);
  return { app, url: urlOf(app), close: closeOnce(app) };
}

/** An HTTP-only process (the GPU worker), in this test process. */
export async function bootHttpOnly(module: DynamicModule, config: BaseConfig): Promise<RunningApp> {
  const app = await createHttpApp(module, config);
  await listen(app, config);
  return { app, url: urlOf(app), close: closeOnce(app) };
}

export const DIST = join(__dirname, '..', '..', '..', 'dist');

export interface SpawnedProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves with the first stdout line that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
}

/** Runs a built entry point (`dist/...`) as a real process, collecting its output by line. */
export function spawnBuilt(entry: string, env: Env, args: string[] = []): SpawnedProcess {
  const child = spawn(process.execPath, [join(DIST, entry), ...args], {
    env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<(line: string) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const waiter of waiters) waiter(line);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLine(match, timeoutMs) {
      const seen = stdout.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching line within ${timeoutMs} ms; last lines:\n${stdout.slice(-20).join('\n')}\n${stderr.slice(-20).join('\n')}`,
            ),
          );
        }, timeoutMs);
        const waiter = (line: string) => {
          if (!match(line)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(line);
        };
        waiters.add(waiter);
      });
    },
  };
}
