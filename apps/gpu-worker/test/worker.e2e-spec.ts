import { bootHttpOnly, type RunningApp, testEnv, uniqueName } from '@pingvas/testing';
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

  it('is ready when Redis answers, and checks no database it does not use', async () => {
    const res = await request(worker.url).get('/ready').expect(200);
    expect(res.body.details).toEqual({ redis: { status: 'up' } });
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
