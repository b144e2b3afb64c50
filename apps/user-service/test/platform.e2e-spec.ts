import { createTestSchema, type TestSchema } from '@pingvas/database';
import {
  bootService,
  type RunningApp,
  TEST_DATABASE_URL,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import { Client } from 'pg';
import request from 'supertest';
import { loadUserServiceConfig } from '../src/config';
import { USER_DATABASE } from '../src/database';
import { UserServiceModule } from '../src/user-service.module';

describe('user-service platform (real PostgreSQL and Redis)', () => {
  let schema: TestSchema;
  let service: RunningApp;

  beforeAll(async () => {
    schema = await createTestSchema(TEST_DATABASE_URL, USER_DATABASE);
    const config = loadUserServiceConfig(
      testEnv({ schema: schema.schema, namespace: uniqueName('t') }),
    );
    service = await bootService(UserServiceModule.forRoot(config), config);
  });

  afterAll(async () => {
    await service?.close();
    await schema?.drop();
  });

  it('answers /health without touching any dependency', async () => {
    const res = await request(service.url).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /ready with the postgres and redis checks up', async () => {
    const res = await request(service.url).get('/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('echoes a caller-given X-Request-Id and puts it in the error body', async () => {
    const res = await request(service.url)
      .get('/api/v1/no-such-route')
      .set('X-Request-Id', 'abc')
      .expect(404);
    expect(res.headers['x-request-id']).toBe('abc');
    expect(res.body).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: expect.any(String),
      requestId: 'abc',
    });
  });

  it('replaces a request id that is not plain text instead of echoing it', async () => {
    const res = await request(service.url)
      .get('/health')
      .set('X-Request-Id', '<script>alert(1)</script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses malformed JSON with 400 MALFORMED_BODY', async () => {
    const res = await request(service.url)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body.code).toBe('MALFORMED_BODY');
    expect(res.body.requestId).toEqual(res.headers['x-request-id']);
  });

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(service.url)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }))
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('exports http_request_duration_seconds by route template after a request', async () => {
    await request(service.url).get('/health').expect(200);
    const res = await request(service.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} [1-9]/,
    );
    expect(res.text).toMatch(/process_cpu_user_seconds_total/);
  });

  it('labels unknown paths as one "unmatched" route so metrics stay bounded', async () => {
    await request(service.url)
      .get(`/api/v1/${uniqueName('random')}`)
      .expect(404);
    const res = await request(service.url).get('/metrics').expect(200);
    expect(res.text).toMatch(/route="unmatched",status_code="404"/);
    expect(res.text).not.toMatch(/route="\/api\/v1\/random_/);
  });

  it('serves the OpenAPI document at /docs', async () => {
    await request(service.url).get('/docs').expect(200);
    const spec = await request(service.url).get('/docs-json').expect(200);
    expect(spec.body.info.title).toBe('Pingvas user-service');
  });

  it('keeps its migrations table in its own schema', async () => {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
        [schema.schema],
      );
      expect(rows.map((r) => r.table_name)).toContain('migrations_user');
    } finally {
      await client.end();
    }
  });
});
