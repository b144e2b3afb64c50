import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_ROUTES, type ServiceKey, SERVICE_KEYS, SERVICES } from '@pingvas/contracts';
import request from 'supertest';
import {
  CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  STORAGE_IMAGE_SOURCE,
} from '../src/security-headers';
import { type RunningEdge, startBuiltEdge } from './edge-process';
import { type StubService, startStubService } from './stub-service';

const variableOf = (key: ServiceKey) => SERVICES[key].name.toUpperCase().replace(/-/g, '_');

/** A built web app in miniature: index.html (above 1 kB, so it compresses) and a hashed asset. */
async function writeWebBuild(): Promise<string> {
  const dist = await mkdtemp(join(tmpdir(), 'pingvas-web-'));
  await mkdir(join(dist, 'assets'));
  const filler = `<!-- ${'filler '.repeat(300)} -->`;
  await writeFile(
    join(dist, 'index.html'),
    `<!doctype html><html><head><script type="module" src="/assets/index-3f9a1c.js"></script></head><body><div id="root"></div>${filler}</body></html>`,
  );
  await writeFile(join(dist, 'assets', 'index-3f9a1c.js'), 'console.log("pingvas")\n');
  return dist;
}

/** Opens an SSE stream through the edge and resolves with the response once the first bytes arrive. */
function openStream(url: string): Promise<{ res: IncomingMessage; first: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, {
      headers: { Accept: 'text/event-stream', 'Accept-Encoding': 'gzip, br' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.once('data', (chunk: string) => resolve({ res, first: chunk }));
    });
  });
}

describe('the edge (npm start’s web origin): the app, the API by the route table, the reference', () => {
  const stubs = {} as Record<ServiceKey, StubService>;
  let dist: string;
  let edge: RunningEdge;
  const http = () => request(edge.url);

  beforeAll(async () => {
    dist = await writeWebBuild();
    for (const key of SERVICE_KEYS) stubs[key] = await startStubService(key);
    edge = await startBuiltEdge({
      WEB_DIST: dist,
      ...Object.fromEntries(SERVICE_KEYS.map((k) => [`${variableOf(k)}_URL`, stubs[k].url])),
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await Promise.all(Object.values(stubs).map((s) => s.close()));
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  describe('the API', () => {
    it.each(Object.entries(API_ROUTES))(
      'forwards /api/v1/%s... to %s-service with its path and query',
      async (prefix, key) => {
        const res = await http().get(`/api/v1/${prefix}/some/thing?cursor=abc`).expect(200);
        expect(res.body).toMatchObject({
          service: key,
          url: `/api/v1/${prefix}/some/thing?cursor=abc`,
        });
      },
    );

    it('passes a POST body and its method through unchanged', async () => {
      const body = { prompt: '창가에 앉은 고양이', steps: 4 };
      const res = await http().post('/api/v1/generations').send(body).expect(200);
      expect(res.body).toMatchObject({
        service: 'generation',
        method: 'POST',
        body: JSON.stringify(body),
      });
    });

    it('appends the client’s address to X-Forwarded-For and carries the request id', async () => {
      await http()
        .get('/api/v1/models/xff')
        .set('X-Forwarded-For', '203.0.113.9')
        .set('X-Request-Id', 'edge-test-request-1')
        .expect(200)
        .expect('X-Request-Id', 'edge-test-request-1');
      const seen = stubs.model.seen.find((r) => r.url === '/api/v1/models/xff')!;
      // The address the edge saw comes last: services trust the loopback proxy and take it, so a
      // client cannot choose the address its rate limits count against.
      expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(seen.headers['x-request-id']).toBe('edge-test-request-1');
    });

    it('streams SSE unbuffered and uncompressed: the first event arrives while the stream is open', async () => {
      const { res, first } = await openStream(
        `${edge.url}/api/v1/generations/7d0c1a52-4f7e-4a39-9a41-0a1b2c3d4e5f/events`,
      );
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(first).toContain('event: queued');
      // The service has not ended the stream: only now may it send its last event.
      stubs.generation.releaseStream();
      let rest = '';
      for await (const chunk of res) rest += chunk;
      expect(rest).toContain('event: succeeded');
    });

    it('compresses JSON answers for clients that accept gzip', async () => {
      const res = await http().get('/api/v1/plans').set('Accept-Encoding', 'gzip').expect(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.body.service).toBe('payment');
    });

    it('answers a path no service owns with 404 NOT_FOUND and forwards nothing', async () => {
      const before = SERVICE_KEYS.map((k) => stubs[k].seen.length);
      const res = await http().get('/api/v1/nowhere/1').expect(404);
      expect(res.body).toMatchObject({
        statusCode: 404,
        code: 'NOT_FOUND',
        requestId: expect.any(String),
      });
      expect(SERVICE_KEYS.map((k) => stubs[k].seen.length)).toEqual(before);
    });
  });

  describe('the web app', () => {
    it.each(['/', '/gallery/42', '/settings/api-keys'])(
      'answers %s with index.html, not cached, with the security headers',
      async (path) => {
        const res = await http().get(path).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('<div id="root">');
        expect(res.headers['cache-control']).toBe('no-cache');
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
          expect([name, res.headers[name.toLowerCase()]]).toEqual([name, value]);
        }
      },
    );

    it('has a CSP that allows no inline script and no framing, and images from data:, blob: and S3', () => {
      const directives = Object.fromEntries(
        CONTENT_SECURITY_POLICY.split(';').map((d) => {
          const [name, ...sources] = d.trim().split(/\s+/);
          return [name, sources];
        }),
      );
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
      expect(directives['img-src']).toEqual(["'self'", 'data:', 'blob:', STORAGE_IMAGE_SOURCE]);
      expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    });

    it('caches hashed assets for a year and compresses the page', async () => {
      const asset = await http().get('/assets/index-3f9a1c.js').expect(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const page = await http().get('/').set('Accept-Encoding', 'gzip').expect(200);
      expect(page.headers['content-encoding']).toBe('gzip');
    });

    it('answers a missing asset with 404, not with the page', async () => {
      const res = await http().get('/assets/index-000000.js').expect(404);
      expect(res.text).not.toContain('<div id="root">');
    });
  });

  describe('probes and the API reference', () => {
    it('is live, and ready while every service answers', async () => {
      await http().get('/health').expect(200, { status: 'ok' });
      const ready = await http().get('/ready').expect(200);
      expect(Object.values(ready.body.checks)).toEqual(SERVICE_KEYS.map(() => 'up'));
    });

    it('serves Swagger UI from this origin, with no inline script', async () => {
      await http().get('/api/docs').expect(301).expect('Location', '/api/docs/');
      const page = await http().get('/api/docs/').expect(200);
      expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      const scripts = [...page.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/src="\.\/[\w.-]+\.js"/);
        expect(body.trim()).toBe('');
      }
      const bundle = await http().get('/api/docs/swagger-ui-bundle.js').expect(200);
      expect(bundle.headers['content-type']).toMatch(/javascript/);
      const init = await http().get('/api/docs/swagger-initializer.js').expect(200);
      expect(init.text).toContain("url: './openapi.json'");
    });

    it('merges the five documents: operations tagged by service, probes left out, one bearer scheme', async () => {
      const { body } = await http().get('/api/docs/openapi.json').expect(200);
      expect(Object.keys(body.paths).sort()).toEqual(
        Object.keys(API_ROUTES)
          .map((p) => `/api/v1/${p}`)
          .sort(),
      );
      expect(body.paths['/api/v1/auth'].get.tags).toEqual(['user-service: user']);
      expect(body.paths['/api/v1/models'].get.tags).toEqual(['model-service: model']);
      expect(Object.keys(body.components.securitySchemes)).toEqual(['bearer']);
      expect(body.paths['/api/v1/plans'].get.security).toEqual([{ bearer: [] }]);
      // Five different PageDto: the first keeps the name, the others are renamed and referenced so.
      const refs = SERVICE_KEYS.map((k) => {
        const path = Object.keys(API_ROUTES).find(
          (p) => API_ROUTES[p as keyof typeof API_ROUTES] === k,
        )!;
        return body.paths[`/api/v1/${path}`].get.responses['200'].content['application/json'].schema
          .$ref as string;
      });
      expect(new Set(refs).size).toBe(5);
      for (const [i, key] of SERVICE_KEYS.entries()) {
        const schema = body.components.schemas[refs[i].split('/').pop()!];
        expect(Object.keys(schema.properties)).toEqual([`${key}Items`]);
      }
    });
  });
});
