import request from 'supertest';
import { type OpenApiDocument, operationsOf, pathParamsOf } from './openapi';
import { bootGenerationStack, type GenerationStack } from '../support/generation-stack';

/**
 * A client generated from a service's /docs-json must be able to call every operation: each
 * `{param}` of a path is declared once as a path parameter, and no parameter is listed twice
 * (header names compare without case, as HTTP compares them).
 */
describe('the OpenAPI documents of the five services', () => {
  let stack: GenerationStack;
  const docs: Record<string, OpenApiDocument> = {};

  beforeAll(async () => {
    stack = await bootGenerationStack({ gallery: true });
    const urls = {
      'user-service': stack.users.url,
      'payment-service': stack.payment.url,
      'model-service': stack.models.url,
      'generation-service': stack.generation.url,
      'gallery-service': stack.gallery!.url,
    };
    for (const [name, url] of Object.entries(urls))
      docs[name] = (await request(url).get('/docs-json').expect(200)).body as OpenApiDocument;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('come from every service', () => {
    expect(Object.values(docs).map((d) => d.info.title)).toEqual([
      'Pingvas user-service',
      'Pingvas payment-service',
      'Pingvas model-service',
      'Pingvas generation-service',
      'Pingvas gallery-service',
    ]);
  });

  it('declare every {param} of every path exactly once, and no path parameter it lacks', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [service, doc] of Object.entries(docs)) {
      for (const { method, path, operation } of operationsOf(doc)) {
        const declared = (operation.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        const inPath = pathParamsOf(path).sort();
        checked += inPath.length;
        if (JSON.stringify(declared) !== JSON.stringify(inPath))
          problems.push(
            `${service} ${method.toUpperCase()} ${path}: declares [${declared}], path has [${inPath}]`,
          );
        for (const p of operation.parameters ?? [])
          if (p.in === 'path' && !p.required)
            problems.push(`${service} ${method.toUpperCase()} ${path}: ${p.name} not required`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('list no parameter twice', () => {
    const problems: string[] = [];
    for (const [service, doc] of Object.entries(docs)) {
      for (const { method, path, operation } of operationsOf(doc)) {
        const keys = (operation.parameters ?? []).map(
          (p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`,
        );
        const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
        if (twice.length > 0)
          problems.push(`${service} ${method.toUpperCase()} ${path}: ${twice.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('document the Idempotency-Key header once, required only where it is', () => {
    const header = (service: string, path: string) =>
      docs[service].paths[path].post.parameters?.filter(
        (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
      );
    expect(header('generation-service', '/api/v1/generations')).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', required: false }),
    ]);
    expect(header('payment-service', '/api/v1/admin/credits/grants')).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', required: true }),
    ]);
  });
});
