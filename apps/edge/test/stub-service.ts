import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { API_ROUTES, isSsePath, type ServiceKey, SERVICES } from '@pingvas/contracts';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StubService {
  key: ServiceKey;
  url: string;
  seen: SeenRequest[];
  /** Lets the open event stream send its last event and end. */
  releaseStream(): void;
  close(): Promise<void>;
}

/** A service's OpenAPI document in miniature: one route per prefix, a probe, a shared name. */
function documentOf(key: ServiceKey) {
  const prefixes = Object.entries(API_ROUTES).filter(([, owner]) => owner === key);
  return {
    openapi: '3.0.0',
    info: { title: `Pingvas ${SERVICES[key].name}`, version: '1' },
    tags: [{ name: key, description: `${key} things` }],
    paths: {
      '/health': { get: { tags: ['ops'], responses: { 200: { description: 'ok' } } } },
      ...Object.fromEntries(
        prefixes.map(([prefix]) => [
          `/api/v1/${prefix}`,
          {
            get: {
              tags: [key],
              security: [{ bearer: [] }],
              responses: {
                200: {
                  description: 'a page',
                  content: {
                    'application/json': { schema: { $ref: '#/components/schemas/PageDto' } },
                  },
                },
              },
            },
          },
        ]),
      ),
    },
    components: {
      // Every service defines PageDto its own way: the merge must keep them apart.
      schemas: { PageDto: { type: 'object', properties: { [`${key}Items`]: { type: 'array' } } } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/**
 * Stands in for one service behind the edge: answers /health and /docs-json, echoes every other
 * request (what it saw, as JSON), and holds SSE routes open after a first event until released.
 */
export async function startStubService(key: ServiceKey): Promise<StubService> {
  const seen: SeenRequest[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (url === '/health') return void res.end('{"status":"ok"}');
    if (url === '/docs-json') {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(JSON.stringify(documentOf(key)));
    }
    const body = await text(req);
    seen.push({ method: req.method ?? '', url, headers: req.headers, body });
    if (isSsePath(url)) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(`event: queued\ndata: {"position":1}\n\n`);
      await released;
      res.end(`event: succeeded\ndata: {"status":"succeeded"}\n\n`);
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    // A body well above compression's 1 kB threshold, so the edge has something to compress.
    res.end(
      JSON.stringify({ service: key, method: req.method, url, body, padding: 'x'.repeat(4096) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    key,
    url: `http://127.0.0.1:${port}`,
    seen,
    releaseStream: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
