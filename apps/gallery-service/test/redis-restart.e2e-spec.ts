import { Controller, Get, Module } from '@nestjs/common';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { RpcClient } from '@pingvas/messaging';
import {
  bootService,
  eventually,
  type RunningApp,
  sparePort,
  TEST_DATABASE_URL,
  TestRedisServer,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import request from 'supertest';
import { MODEL_SERVICE } from '../../../test/support/model-service';
import { loadGalleryServiceConfig } from '../src/config';
import { GALLERY_DATABASE } from '../src/database';
import { GalleryServiceModule } from '../src/gallery-service.module';

@Controller('probe')
class PingModel {
  constructor(private readonly rpc: RpcClient) {}

  @Get('model')
  ping() {
    return this.rpc.send('model.system.ping', {});
  }
}

describe('services survive a Redis restart without being restarted', () => {
  let redis: TestRedisServer;
  let schemas: TestSchema[];
  let gallery: RunningApp;
  let model: RunningApp;

  beforeAll(async () => {
    redis = new TestRedisServer(await sparePort());
    await redis.start();
    schemas = await Promise.all([
      createTestSchema(TEST_DATABASE_URL, GALLERY_DATABASE),
      createTestSchema(TEST_DATABASE_URL, MODEL_SERVICE.database),
    ]);
    const namespace = uniqueName('t');
    const galleryConfig = loadGalleryServiceConfig(
      testEnv({ schema: schemas[0].schema, namespace, redisUrl: redis.url }),
    );
    const modelConfig = MODEL_SERVICE.loadConfig(
      testEnv({ schema: schemas[1].schema, namespace, redisUrl: redis.url }),
    );
    @Module({ imports: [GalleryServiceModule.forRoot(galleryConfig)], controllers: [PingModel] })
    class GalleryUnderTest {}
    gallery = await bootService({ module: GalleryUnderTest }, galleryConfig);
    model = await bootService(MODEL_SERVICE.module(modelConfig), modelConfig);
  });

  afterAll(async () => {
    await gallery?.close();
    await model?.close();
    await redis?.stop();
    await Promise.all((schemas ?? []).map((s) => s.drop()));
  });

  const status = async (url: string, path: string) => (await request(url).get(path)).status;

  it('turns /ready to 503 naming redis while it is down, and RPC back on once it returns', async () => {
    await request(gallery.url).get('/api/v1/probe/model').expect(200);

    await redis.stop();
    for (const service of [gallery, model]) {
      const res = await eventually(
        async () => {
          const r = await request(service.url).get('/ready');
          return r.status === 503 ? r : undefined;
        },
        10_000,
        '/ready answering 503',
      );
      expect(res.body).toMatchObject({
        code: 'NOT_READY',
        details: { error: { redis: { status: 'down' } } },
      });
      expect(res.body.message).toContain('redis');
    }
    const whileDown = await request(gallery.url).get('/api/v1/probe/model');
    expect(whileDown.status).toBe(503);
    expect(whileDown.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await status(gallery.url, '/health')).toBe(200);

    await redis.start();
    const answer = await eventually(
      async () => {
        const r = await request(gallery.url).get('/api/v1/probe/model');
        return r.status === 200 ? r.body : undefined;
      },
      10_000,
      'RPC answering again after Redis came back',
    );
    expect(answer.service).toBe('model-service');
    await eventually(
      async () => ((await status(model.url, '/ready')) === 200 ? true : undefined),
      10_000,
      '/ready 200 again',
    );
  });
});
