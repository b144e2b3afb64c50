import { QueueNames } from '@pingvas/contracts';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { redisOptionsFromUrl, RpcClient } from '@pingvas/messaging';
import {
  bootService,
  type RunningApp,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadModelServiceConfig } from '../src/config';
import { MODEL_DATABASE } from '../src/database';
import { ModelServiceModule } from '../src/model-service.module';

interface Environment {
  schema: TestSchema;
  namespace: string;
  service: RunningApp;
}

/**
 * Two environments on one PostgreSQL and one Redis (as dev and prod share them in the seeds,
 * and as parallel test files do): neither sees the other's rows, RPC calls or queue jobs.
 */
describe('environments sharing PostgreSQL and Redis stay apart', () => {
  const envs: Environment[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const schema = await createTestSchema(TEST_DATABASE_URL, MODEL_DATABASE);
      const namespace = uniqueName('t');
      const config = loadModelServiceConfig(testEnv({ schema: schema.schema, namespace }));
      envs.push({
        schema,
        namespace,
        service: await bootService(ModelServiceModule.forRoot(config), config),
      });
    }
  });

  afterAll(async () => {
    for (const env of envs) {
      await env.service.close();
      await env.schema.drop();
    }
  });

  it('points every database connection at its own schema', async () => {
    for (const env of envs) {
      const [row] = await env.service.app
        .get(DataSource)
        .query('SELECT current_schema() AS schema');
      expect(row.schema).toBe(env.schema.schema);
    }
  });

  it('answers RPC only within its own namespace', async () => {
    const pings = await Promise.all(
      envs.map((env) =>
        env.service.app.get(RpcClient).send('model.system.ping', { echo: env.namespace }),
      ),
    );
    const ids = pings.map((p) => p.instanceId);
    expect(new Set(ids).size).toBe(2);
    for (let round = 0; round < 5; round++) {
      const again = await envs[0].service.app.get(RpcClient).send('model.system.ping', {});
      expect(again.instanceId).toBe(ids[0]);
    }
  });

  it('keeps queue jobs under its own key prefix', async () => {
    const [a, b] = envs.map(
      (env) =>
        new Queue(QueueNames.userEvents, {
          connection: redisOptionsFromUrl(TEST_REDIS_URL),
          prefix: env.namespace,
        }),
    );
    try {
      await a.add('user.created', { userId: 'u1' });
      expect(await a.getWaitingCount()).toBe(1);
      expect(await b.getWaitingCount()).toBe(0);
    } finally {
      await a.obliterate({ force: true });
      await Promise.all([a.close(), b.close()]);
    }
  });
});
