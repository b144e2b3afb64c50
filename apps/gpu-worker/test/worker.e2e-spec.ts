import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyModel } from '@pingvas/inference';
import { bootHttpOnly, eventually, type RunningApp, testEnv, uniqueName } from '@pingvas/testing';
import request from 'supertest';
import { loadGpuWorkerConfig } from '../src/config';
import { GpuWorkerModule } from '../src/gpu-worker.module';

describe('gpu-worker probes', () => {
  let worker: RunningApp;

  beforeAll(async () => {
    const config = loadGpuWorkerConfig(
      testEnv({ schema: 'unused_by_worker', namespace: uniqueName('t') }),
    );
    worker = await bootHttpOnly(GpuWorkerModule.forRoot(config), config);
  });

  afterAll(async () => {
    await worker?.close();
  });

  it('answers /health', async () => {
    await request(worker.url).get('/health').expect(200, { status: 'ok' });
  });

  it('is ready once Redis answers and a warm-up generation ran, and checks no database', async () => {
    const res = await eventually(
      async () => {
        const r = await request(worker.url).get('/ready');
        return r.status === 200 ? r : undefined;
      },
      30_000,
      'worker ready',
    );
    expect(res.body.details).toEqual({ redis: { status: 'up' }, inference: { status: 'up' } });
  });

  it('exports inference metrics and the execution provider in use', async () => {
    const res = await request(worker.url).get('/metrics').expect(200);
    expect(res.text).toMatch(/inference_execution_provider\{provider="cpu"\} 1/);
    expect(res.text).toMatch(/inference_steps_total\{model="tiny-sd",provider="cpu"\} [1-9]/);
    expect(res.text).toMatch(
      /inference_duration_seconds_count\{model="tiny-sd",provider="cpu"\} [1-9]/,
    );
  });

  it('exports Prometheus metrics', async () => {
    const res = await request(worker.url).get('/metrics').expect(200);
    expect(res.text).toContain('process_resident_memory_bytes');
  });

  it('has no public API', async () => {
    const res = await request(worker.url).get('/docs').expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('gpu-worker warm-up from an absolute path', () => {
  let worker: RunningApp;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pingvas-warmup-'));
    await makeTinyModel(join(dir, 'baked', 'tiny-sd'));
    const config = loadGpuWorkerConfig(
      testEnv({
        schema: 'unused_by_worker',
        namespace: uniqueName('t'),
        // The models volume is empty; the image's own copy of the tiny model is used.
        extra: {
          MODELS_DIR: join(dir, 'empty-volume'),
          WARMUP_MODEL: join(dir, 'baked', 'tiny-sd'),
        },
      }),
    );
    worker = await bootHttpOnly(GpuWorkerModule.forRoot(config), config);
  });

  afterAll(async () => {
    await worker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('turns ready with a WARMUP_MODEL outside MODELS_DIR', async () => {
    await eventually(
      async () => ((await request(worker.url).get('/ready')).status === 200 ? true : undefined),
      30_000,
      'worker ready',
    );
    const metrics = await request(worker.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/inference_steps_total\{model="tiny-sd",provider="cpu"\} 1/);
  });
});
