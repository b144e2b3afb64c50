import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dropSchema } from '@pingvas/database';
import {
  eventually,
  readEvents,
  sparePort,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  uniqueName,
} from '@pingvas/testing';
import request from 'supertest';
import { newAccount } from '../support/user-service';

const ROOT = join(__dirname, '..', '..');
const NAMES = [
  'user-service',
  'payment-service',
  'generation-service',
  'gallery-service',
  'model-service',
  'gpu-worker',
  'system-worker',
  'web',
];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The launcher behind `npm start`, run as a real process on spare ports with its own schema
 * and Redis namespace: every process becomes ready, and one SIGINT stops them all.
 */
describe('npm start (the launcher)', () => {
  const schema = uniqueName('t_system');
  const ports: Record<string, number> = {};
  let launcher: ChildProcess;
  let storageDir: string;
  const output: string[] = [];
  const url = (name: string) => `http://127.0.0.1:${ports[name]}`;
  /** The pid of each child's latest start, as the launcher printed it. */
  const latestPids = (): Record<string, number> =>
    Object.fromEntries(
      output
        .map((l) => /started (\S+) \(pid (\d+)\)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], Number(m[2])]),
    );

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'pingvas-system-'));
    await mkdir(join(storageDir, 'web'));
    await writeFile(join(storageDir, 'web', 'index.html'), '<!doctype html><div id="root"></div>');
    for (const name of NAMES) ports[name] = await sparePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      APP_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: TEST_DATABASE_URL,
      DB_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      RPC_NAMESPACE: schema,
      QUEUE_PREFIX: schema,
      STORAGE_DIR: storageDir,
      // The edge serves this folder: no web build is made for the test.
      WEB_DIST: join(storageDir, 'web'),
      NO_COLOR: '1',
    };
    for (const name of NAMES)
      env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`] = String(ports[name]);
    launcher = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'start.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [launcher.stdout!, launcher.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => output.push(line));
    }
  });

  afterAll(async () => {
    if (launcher.exitCode === null) launcher.kill('SIGKILL');
    await dropSchema({ url: TEST_DATABASE_URL, schema });
    await rm(storageDir, { recursive: true, force: true });
  });

  it('migrates, starts eight processes, and reports them all ready within 60 s', async () => {
    const deadline = Date.now() + 60_000;
    // The launcher's last line: the ready line and the address table come before it, and the
    // lines arrive one by one, so waiting for the ready line alone could read too early.
    while (!output.some((l) => l.includes('open http://localhost')) && Date.now() < deadline) {
      if (launcher.exitCode !== null)
        throw new Error(`launcher exited early:\n${output.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output.join('\n')).toContain('all 8 processes ready');
    expect(output.join('\n')).toContain(`open http://localhost:${ports.web}`);
    expect(output.join('\n')).toMatch(/migrate user: (applied|up to date)/);
    expect(output.join('\n')).toMatch(/migrate system: (applied|up to date)/);
    for (const name of NAMES) {
      await request(`http://127.0.0.1:${ports[name]}`).get('/health').expect(200);
      await request(`http://127.0.0.1:${ports[name]}`).get('/ready').expect(200);
    }
  }, 90_000);

  it('walks a customer through: sign up, credits, a tiny-model generation paid once, then the gallery and a Korean search', async () => {
    const signup = await request(url('user-service'))
      .post('/api/v1/auth/signup')
      .send(newAccount())
      .expect(201);
    const token: string = signup.body.accessToken;
    const userId: string = signup.body.user.id;
    const balance = async () =>
      (
        await request(url('payment-service'))
          .get('/api/v1/credits/balance')
          .auth(token, { type: 'bearer' })
          .expect(200)
      ).body as { available: number; reserved: number };
    // The free plan's credits arrive with the account (opened from the user.created event).
    const start = await eventually(
      async () => (await balance().catch(() => undefined))?.available || undefined,
      10_000,
      'credits granted',
    );
    expect(start).toBe(100);

    const submitted = await request(url('generation-service'))
      .post('/api/v1/generations')
      .auth(token, { type: 'bearer' })
      .send({ prompt: '창가에 앉은 고양이', steps: 4, seed: 42 });
    if (submitted.status !== 202) process.stderr.write(`launcher output:\n${output.join('\n')}\n`);
    expect([submitted.status, submitted.body]).toEqual([
      202,
      expect.objectContaining({ status: 'queued', queue: 'gen-free', cost: 5 }),
    ]);
    const stream = readEvents(
      url('generation-service'),
      `/api/v1/generations/${submitted.body.id}/events`,
      token,
    );
    const events = await stream.ended;
    expect(events[events.length - 1]).toMatchObject({
      event: 'succeeded',
      data: { id: submitted.body.id, status: 'succeeded' },
    });
    const done = await request(url('generation-service'))
      .get(`/api/v1/generations/${submitted.body.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(done.body.images).toEqual([
      expect.objectContaining({ index: 0, width: 64, height: 64, seed: 42 }),
    ]);
    const png = await readFile(join(storageDir, 'images', userId, submitted.body.id, '0.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(
      await eventually(
        async () => {
          const b = await balance();
          return b.reserved === 0 ? b : undefined;
        },
        10_000,
        'credits captured',
      ),
    ).toMatchObject({ available: 95, reserved: 0 });

    // The image reaches the gallery, and a Korean word finds it.
    const gallery = (path: string) =>
      request(url('gallery-service')).get(path).auth(token, { type: 'bearer' });
    const found = await eventually(
      async () => {
        const res = await gallery('/api/v1/search/images?q=고양이');
        return res.body.items?.length === 1 ? res.body.items[0] : undefined;
      },
      10_000,
      'image found in the gallery',
    );
    expect(found).toMatchObject({ id: done.body.images[0].id, prompt: '창가에 앉은 고양이' });
    const listed = await gallery('/api/v1/images').expect(200);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([found.id]);
    const thumbnail = await request(url('gallery-service')).get(found.urls.thumbnail).expect(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
  });

  it('restarts a child killed with kill -9, saying so, while the others keep running', async () => {
    const before = latestPids();
    const victim = 'model-service';
    process.kill(before[victim], 'SIGKILL');

    await eventually(
      async () => (latestPids()[victim] !== before[victim] ? true : undefined),
      20_000,
      `${victim} started again`,
    );
    expect(launcher.exitCode).toBeNull();
    expect(output.join('\n')).toMatch(
      new RegExp(
        `${victim} exited unexpectedly \\(SIGKILL\\); restarting it in 1 s \\(restart 1\\)`,
      ),
    );
    await eventually(
      async () => ((await request(url(victim)).get('/ready')).status === 200 ? true : undefined),
      30_000,
      `${victim} ready again`,
    );
    const after = latestPids();
    for (const name of NAMES.filter((n) => n !== victim)) {
      expect([name, after[name]]).toEqual([name, before[name]]);
      expect(isAlive(after[name])).toBe(true);
      await request(url(name)).get('/health').expect(200);
    }
  }, 60_000);

  it('serves the app, every service’s API and one reference on the web origin (the edge)', async () => {
    const web = () => request(url('web'));
    const page = await web().get('/gallery/1').expect(200);
    expect(page.text).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    const signup = await web()
      .post('/api/v1/auth/signup')
      .set('X-Pingvas-Client', 'web')
      .send(newAccount())
      .expect(201);
    expect(String(signup.headers['set-cookie'])).toMatch(/^pingvas_refresh=.*HttpOnly/);
    const token: string = signup.body.accessToken;
    for (const path of [
      '/api/v1/users/me',
      '/api/v1/plans',
      '/api/v1/generations',
      '/api/v1/images',
      '/api/v1/models',
    ]) {
      const res = await web().get(path).auth(token, { type: 'bearer' });
      expect([path, res.status]).toEqual([path, 200]);
    }
    const docs = await web().get('/api/docs/openapi.json').expect(200);
    expect(docs.body.info.description).not.toMatch(/Missing now/);
    const tags = new Set(
      Object.values(docs.body.paths as Record<string, Record<string, { tags: string[] }>>).flatMap(
        (ops) => Object.values(ops).flatMap((op) => op.tags),
      ),
    );
    for (const name of NAMES.filter((n) => n.endsWith('-service'))) {
      expect([...tags].some((t) => t.startsWith(`${name}: `))).toBe(true);
    }
  });

  it('stops every child on one SIGINT and leaves no process behind', async () => {
    const pids = Object.values(latestPids());
    expect(pids).toHaveLength(NAMES.length);
    expect(pids.every(isAlive)).toBe(true);

    const exited = new Promise<number | null>((resolve) =>
      launcher.once('exit', (code) => resolve(code)),
    );
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    for (const name of NAMES) {
      await expect(request(`http://127.0.0.1:${ports[name]}`).get('/health')).rejects.toThrow(
        /ECONNREFUSED/,
      );
    }
  });
});
