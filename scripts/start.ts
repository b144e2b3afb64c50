import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GPU_WORKER, type ProcessName, SERVICES, SYSTEM_WORKER, WEB } from '@pingvas/contracts';
import { SERVICE_NODE_FLAGS } from './node-flags';
import { ensureWebBuild } from './web-build';

/**
 * `npm start`: runs the migrations once, makes the tiny model if missing, builds the web app if stale, starts the eight processes (five services, the GPU and system workers, the web origin) with their logs prefixed by
 * name, prints where they answer, and on Ctrl-C (or SIGTERM) stops every one of them.
 * A child that exits on its own is started again after a backoff (1 s doubling to 30 s, back
 * to 1 s once it has stayed up a minute), as Kubernetes restarts a crashed container; the
 * others keep running. Children run in their own process groups so a terminal's Ctrl-C
 * reaches the launcher only, which then stops them in order; if the launcher dies, each child
 * sees its IPC channel close and stops itself.
 */

interface ProcessSpec {
  name: ProcessName;
  port: number;
  entry: string;
}

const DIST = join(__dirname, '..');
const READY_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 15_000;
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that stayed up this long is healthy again: its next crash restarts it at once. */
const STABLE_AFTER_MS = 60_000;
const COLORS = [36, 35, 33, 32, 34, 31, 96, 95];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

function portOverride(name: string, fallback: number): number {
  const raw = process.env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`];
  const port = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(
      `${name.toUpperCase().replace(/-/g, '_')}_PORT must be a port number (got "${raw}")`,
    );
  }
  return port;
}

// The web origin is named "web" (WEB_PORT) and runs the edge's code, apps/edge.
const specs: ProcessSpec[] = [...Object.values(SERVICES), GPU_WORKER, SYSTEM_WORKER, WEB].map(
  (p) => ({
    name: p.name,
    port: portOverride(p.name, p.port),
    entry: join(DIST, 'apps', 'app' in p ? p.app : p.name, 'src', 'main.js'),
  }),
);

const width = Math.max(...specs.map((s) => s.name.length));
const label = (name: string, index: number) =>
  useColor
    ? `\x1b[${COLORS[index % COLORS.length]}m${name.padEnd(width)}\x1b[0m |`
    : `${name.padEnd(width)} |`;
const say = (line: string) => process.stdout.write(`${'pingvas'.padEnd(width)} | ${line}\n`);

function pipeLines(child: ChildProcess, prefix: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) =>
      process.stdout.write(`${prefix} ${line}\n`),
    );
  }
}

/** Every child finds user-service's keys where this launcher put it (USER_SERVICE_PORT too). */
const userService = specs.find((s) => s.name === SERVICES.user.name)!;
const sharedEnv: NodeJS.ProcessEnv = {
  ...process.env,
  JWKS_URL: process.env.JWKS_URL ?? `http://127.0.0.1:${userService.port}/.well-known/jwks.json`,
};

const children = new Map<ProcessName, ChildProcess>();
const restarts = new Map<ProcessName, { count: number; delayMs: number; timer?: NodeJS.Timeout }>();
let stopping = false;

function start(spec: ProcessSpec, index: number): void {
  const env: NodeJS.ProcessEnv = { ...sharedEnv, PORT: String(spec.port) };
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, spec.entry], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const startedAt = Date.now();
  children.set(spec.name, child);
  say(`started ${spec.name} (pid ${child.pid}) on port ${spec.port}`);
  pipeLines(child, label(spec.name, index));
  child.on('exit', (code, signal) => {
    children.delete(spec.name);
    if (stopping) return;
    const state = restarts.get(spec.name) ?? { count: 0, delayMs: FIRST_RESTART_DELAY_MS };
    if (Date.now() - startedAt >= STABLE_AFTER_MS) state.delayMs = FIRST_RESTART_DELAY_MS;
    state.count += 1;
    const delayMs = state.delayMs;
    state.delayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
    say(
      `${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); restarting it in ${delayMs / 1000} s (restart ${state.count})`,
    );
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (!stopping) start(spec, index);
    }, delayMs);
    restarts.set(spec.name, state);
  });
}

function startAll(): void {
  specs.forEach((spec, index) => start(spec, index));
}

async function isReady(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function waitUntilReady(): Promise<void> {
  const started = Date.now();
  const pending = new Set(specs);
  while (pending.size > 0 && Date.now() - started < READY_DEADLINE_MS && !stopping) {
    for (const spec of [...pending]) if (await isReady(spec.port)) pending.delete(spec);
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
  if (stopping) return;
  if (pending.size > 0) {
    say(
      `not ready after ${READY_DEADLINE_MS / 1000} s: ${[...pending].map((s) => s.name).join(', ')} (see their logs above)`,
    );
    return;
  }
  say(`all ${specs.length} processes ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const spec of specs) {
    const base = `http://localhost:${spec.port}`;
    // The workers serve only their probes and metrics: no API, no docs.
    const docs =
      spec.name === GPU_WORKER.name || spec.name === SYSTEM_WORKER.name
        ? ''
        : spec.name === WEB.name
          ? `   app ${base}/   API ${base}/api/v1   reference ${base}/api/docs`
          : `   API ${base}/api/v1   docs ${base}/docs`;
    say(`${spec.name.padEnd(width)} http://localhost:${spec.port}/ready${docs}`);
  }
  say(`open http://localhost:${specs.find((s) => s.name === WEB.name)!.port}`);
  say('press Ctrl-C to stop everything');
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const { timer } of restarts.values()) clearTimeout(timer);
  say('stopping all processes...');
  const exited = [...children.values()].map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
      ),
  );
  for (const child of children.values()) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const [name, child] of children) {
      say(`${name} did not stop in ${STOP_DEADLINE_MS / 1000} s; killing it`);
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }
  }, STOP_DEADLINE_MS);
  await Promise.all(exited);
  clearTimeout(deadline);
  say('stopped');
  process.exit(exitCode);
}

function migrate(): void {
  say('running migrations...');
  const result = spawnSync(process.execPath, [join(DIST, 'scripts', 'migrate.js')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say('migrations failed: is PostgreSQL running? (see README: Prerequisites)');
    process.exit(1);
  }
}

/** The bundled tiny model (models/tiny-sd) is made on first start: no weights can be downloaded. */
function ensureTinyModel(): void {
  const result = spawnSync(process.execPath, [join(DIST, 'scripts', 'make-tiny-model.js')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say('could not write the tiny model package (models/tiny-sd)');
    process.exit(1);
  }
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
migrate();
ensureTinyModel();
ensureWebBuild(say);
startAll();
void waitUntilReady();
