import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ElasticsearchRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** JSON, or one parsed value per line for NDJSON. */
  body: unknown;
}

export interface StandInReply {
  status?: number;
  body?: unknown;
}

type BulkItems = (lines: Array<Record<string, { _id: string }>>) => StandInReply;
type SearchHits = (body: Record<string, unknown>) => unknown[];

/**
 * A local stand-in for Elasticsearch: just enough of its REST API for the gallery's adapter,
 * over real HTTP, so the real client (its product check, NDJSON and errors) is what runs. It
 * keeps indices and aliases and records every request.
 */
export class ElasticsearchStandIn {
  readonly requests: ElasticsearchRequest[] = [];
  readonly aliases = new Map<string, Set<string>>();
  readonly indices = new Set<string>();
  bulkReply: BulkItems = (lines) => ({
    body: { took: 1, errors: false, items: lines.filter((l) => !('id' in l)).map(okItem) },
  });
  searchHits: SearchHits = () => [];
  /** Answers 503 to everything but the ping, like a cluster not yet formed. */
  unavailable = false;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Every request so far, in order, as "METHOD /path". */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url!, 'http://fake');
    const contentType = req.headers['content-type'] ?? '';
    const body = contentType.includes('ndjson')
      ? text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as unknown)
      : text
        ? (JSON.parse(text) as unknown)
        : undefined;
    const recorded: ElasticsearchRequest = {
      method: req.method!,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType,
      body,
    };
    this.requests.push(recorded);
    const reply = this.route(recorded);
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json',
      'x-elastic-product': 'Elasticsearch',
    });
    res.end(req.method === 'HEAD' || reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private route({ method, path, body }: ElasticsearchRequest): StandInReply {
    const [first, second] = path.split('/').slice(1);
    const json = body as Record<string, unknown>;
    if (path === '/') return {};
    if (this.unavailable)
      return { status: 503, body: { error: { type: 'master_not_discovered' } } };
    if (first === '_index_template') return ack();
    if (first === '_alias') {
      const indices = [...(this.aliases.get(second) ?? [])];
      if (indices.length === 0)
        return { status: 404, body: { error: 'alias missing', status: 404 } };
      return { body: Object.fromEntries(indices.map((i) => [i, { aliases: { [second]: {} } }])) };
    }
    if (first === '_aliases') {
      for (const { add, remove } of json.actions as Array<Record<string, Record<string, string>>>) {
        if (remove) this.aliases.get(remove.alias)?.delete(remove.index);
        if (add)
          this.aliases.set(add.alias, (this.aliases.get(add.alias) ?? new Set()).add(add.index));
      }
      return ack();
    }
    if (second === '_bulk') return this.bulkReply(body as Array<Record<string, { _id: string }>>);
    if (second === '_search') {
      const hits = this.searchHits(json);
      return { body: { took: 1, timed_out: false, hits: { max_score: null, hits } } };
    }
    if (second === '_delete_by_query')
      return { body: { took: 1, timed_out: false, deleted: 0, failures: [] } };
    if (second === '_refresh') return { body: { _shards: { total: 1, successful: 1, failed: 0 } } };
    if (method === 'PUT') {
      if (this.indices.has(first))
        return {
          status: 400,
          body: { error: { type: 'resource_already_exists_exception' }, status: 400 },
        };
      this.indices.add(first);
      for (const alias of Object.keys((json?.aliases as object | undefined) ?? {}))
        this.aliases.set(alias, (this.aliases.get(alias) ?? new Set()).add(first));
      return { body: { acknowledged: true, shards_acknowledged: true, index: first } };
    }
    if (method === 'DELETE') {
      for (const index of first.split(',')) this.indices.delete(index);
      return ack();
    }
    return { status: 400, body: { error: { type: 'unexpected', reason: `${method} ${path}` } } };
  }
}

function ack(): StandInReply {
  return { body: { acknowledged: true } };
}

function okItem(line: Record<string, { _id: string }>): Record<string, unknown> {
  const [[op, { _id }]] = Object.entries(line);
  return { [op]: { _index: 'stand-in', _id, status: op === 'delete' ? 200 : 201 } };
}
