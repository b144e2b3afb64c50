import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import request from 'supertest';
import { baseMetric, metricNames } from '../deploy/promql';
import { bootGenerationStack, type GenerationStack } from '../support/generation-stack';
import { type RunningSystemWorker, startSystemWorker } from '../support/system-worker';

const MONITORING = join(__dirname, '..', '..', 'deploy', 'monitoring');

/** Every `expr` string anywhere in a dashboard or rule file. */
function expressions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (node && typeof node === 'object')
    return Object.entries(node).flatMap(([key, value]) =>
      key === 'expr' && typeof value === 'string' ? [value] : expressions(value),
    );
  return [];
}

/**
 * Dashboards and alerts read metrics by name; a renamed metric would leave a panel empty and an
 * alert silent without anyone noticing. So: run every process, read its /metrics, and check
 * every name the monitoring uses is exported, or is one of the few external exporters'.
 */
describe('monitoring reads only metrics that exist', () => {
  let stack: GenerationStack;
  let systemWorker: RunningSystemWorker | undefined;
  const exported = new Set<string>();

  beforeAll(async () => {
    stack = await bootGenerationStack({ gallery: true });
    const worker = await stack.startWorker();
    const c = await stack.customer('pro', 100);
    const { body } = await request(stack.generation.url)
      .post('/api/v1/generations')
      .auth(c.token, { type: 'bearer' })
      .send({ prompt: 'metrics', steps: 1 })
      .expect(202);
    await stack.waitFor(c, body.id, ['succeeded']);
    systemWorker = await startSystemWorker({
      namespace: stack.namespace,
      storageDir: stack.storageDir,
    });
    for (const url of [
      stack.users.url,
      stack.payment.url,
      stack.models.url,
      stack.generation.url,
      stack.gallery!.url,
      worker.url,
      systemWorker.url,
    ]) {
      const text = (await request(url).get('/metrics').expect(200)).text;
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exported.add(name);
        if (type === 'histogram')
          for (const s of ['bucket', 'sum', 'count']) exported.add(`${name}_${s}`);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await systemWorker?.stop();
    await systemWorker?.schema.drop();
    await stack?.stop();
  });

  it('finds the metrics the code exports', () => {
    for (const name of [
      'http_request_duration_seconds_bucket',
      'bullmq_job_count',
      'generation_wait_seconds_bucket',
      'inference_duration_seconds_count',
      'credits_captured_total',
      'active_users',
      'rpc_client_requests_total',
      'rpc_client_duration_seconds_bucket',
      'rpc_server_requests_total',
      'rpc_server_duration_seconds_bucket',
      'emails_total',
      'exports_total',
    ])
      expect([name, exported.has(name)]).toEqual([name, true]);
  });

  it('every dashboard panel and alert expression uses an exported or an external metric', () => {
    const external = JSON.parse(
      readFileSync(join(MONITORING, 'external-metrics.json'), 'utf8'),
    ) as Record<string, string>;
    const files = readdirSync(MONITORING, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.(json|ya?ml)$/.test(f) && !f.endsWith('external-metrics.json'),
    );
    const exprs = files.flatMap((f) => {
      const text = readFileSync(join(MONITORING, f), 'utf8');
      return expressions(f.endsWith('.json') ? JSON.parse(text) : load(text));
    });
    expect(exprs.length).toBeGreaterThan(20);
    const unknown = exprs.flatMap((expr) =>
      metricNames(expr)
        .filter((name) => !baseMetric(name).some((n) => exported.has(n)) && !external[name])
        .map((name) => `${name} in: ${expr}`),
    );
    expect(unknown).toEqual([]);
    // An external metric names the exporter it comes from, and is not one of ours.
    for (const [name, source] of Object.entries(external)) {
      expect([name, source.length > 0, exported.has(name)]).toEqual([name, true, false]);
    }
  });
});
