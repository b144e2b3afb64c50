import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiskStorage } from '@pingvas/storage';
import request from 'supertest';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { RunningWorker } from '../../../test/support/gpu-worker';
import { TINY_MODEL } from '@pingvas/contracts';

/**
 * Stored model packages: the tiny model put in the blob store, registered by its prefix, and
 * pulled by real worker processes into a node-local cache folder on first use.
 */
describe('gpu-worker: stored model packages in the node-local cache', () => {
  let stack: GenerationStack;
  let storage: LocalDiskStorage;
  let root: string;
  const workers: RunningWorker[] = [];

  /** The bundled tiny model's files, put under `prefix` in the stack's blob store. */
  async function storeTinyModel(prefix: string): Promise<void> {
    const dir = join(stack.modelsDir, TINY_MODEL.path);
    const files = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const f of files.filter((e) => e.isFile())) {
      const file = join(f.parentPath, f.name).slice(dir.length + 1);
      await storage.put(`${prefix}/${file}`, await readFile(join(dir, file)));
    }
  }

  async function registerStored(name: string, prefix: string): Promise<void> {
    const { path: _local, ...tiny } = TINY_MODEL;
    const res = await request(stack.models.url)
      .post('/api/v1/models')
      .auth(stack.admin.token, { type: 'bearer' })
      .send({ ...tiny, name, storagePrefix: prefix })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'validated', source: 'storage', path: prefix });
  }

  async function startWorker(cacheDir: string): Promise<RunningWorker> {
    const worker = await stack.startWorker({ MODEL_CACHE_DIR: cacheDir });
    workers.push(worker);
    return worker;
  }

  const metricsOf = async (worker: RunningWorker) =>
    (await request(worker.url).get('/metrics').expect(200)).text;

  async function generate(modelId: string, statuses: string[]) {
    const c = await stack.customer('pro', 100);
    const res = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send({ prompt: '저장된 고양이', modelId, steps: 2, seed: 5 })
      .expect(202);
    return stack.waitFor(c, res.body.id, statuses, 40_000);
  }

  beforeAll(async () => {
    stack = await bootGenerationStack();
    storage = new LocalDiskStorage(stack.storageDir);
    root = await mkdtemp(join(tmpdir(), 'pingvas-node-cache-'));
  });

  // One test's workers never take the next one's jobs (a node folder holding the same bytes
  // would serve them: the cache is keyed by content).
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('downloads a stored package once on first use and runs the job; a second worker on the same node folder does not download it again', async () => {
    await storeTinyModel('models/tiny-sd-stored/1');
    await registerStored('tiny-sd-stored', 'models/tiny-sd-stored/1');
    const cacheDir = join(root, 'node-a');

    const first = await startWorker(cacheDir);
    expect((await generate('tiny-sd-stored', ['succeeded', 'failed'])).status).toBe('succeeded');
    const firstMetrics = await metricsOf(first);
    expect(firstMetrics).toMatch(/model_cache_downloads_total\{outcome="succeeded"\} 1\n/);
    expect(firstMetrics).toMatch(/model_cache_misses_total 1\n/);
    expect(firstMetrics).toMatch(/model_cache_bytes [1-9]/);
    const packages = await readdir(join(cacheDir, 'packages'));
    expect(packages).toHaveLength(1);
    await first.stop('SIGTERM');

    const second = await startWorker(cacheDir);
    expect((await generate('tiny-sd-stored', ['succeeded', 'failed'])).status).toBe('succeeded');
    const secondMetrics = await metricsOf(second);
    expect(secondMetrics).not.toMatch(/model_cache_downloads_total\{/);
    expect(secondMetrics).toMatch(/model_cache_hits_total 1\n/);
    expect(await readdir(join(cacheDir, 'packages'))).toEqual(packages);
  });

  it('fails the job with MODEL_HASH_MISMATCH when stored bytes changed after registration, and keeps none of them', async () => {
    await storeTinyModel('models/tiny-sd-tampered/1');
    await registerStored('tiny-sd-tampered', 'models/tiny-sd-tampered/1');
    await storage.put('models/tiny-sd-tampered/1/tokenizer/merges.txt', Buffer.from('#changed\n'));
    const cacheDir = join(root, 'node-b');
    const worker = await startWorker(cacheDir);

    const done = await generate('tiny-sd-tampered', ['succeeded', 'failed']);

    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('MODEL_HASH_MISMATCH');
    expect(await metricsOf(worker)).toMatch(
      /model_cache_downloads_total\{outcome="hash_mismatch"\} [1-9]/,
    );
    expect(await readdir(join(cacheDir, 'packages'))).toEqual([]);
    expect(await readdir(join(cacheDir, 'tmp'))).toEqual([]);
  });
});
