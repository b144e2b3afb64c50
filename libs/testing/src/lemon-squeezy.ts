import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A local server that speaks the part of the Lemon Squeezy API Pingvas uses
 * (`POST /v1/checkouts`, JSON:API), recording what it was sent.
 */
export class LemonSqueezyStandIn {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  /** Set to make the next calls fail the way the real API does. */
  failWith?: number;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body: unknown = chunks.length
          ? JSON.parse(Buffer.concat(chunks).toString())
          : undefined;
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body,
        });
        res.setHeader('content-type', 'application/vnd.api+json');
        if (this.failWith) {
          res.statusCode = this.failWith;
          res.end(
            JSON.stringify({
              errors: [{ status: String(this.failWith), title: 'Unprocessable Entity' }],
            }),
          );
          return;
        }
        if (req.method !== 'POST' || req.url !== '/v1/checkouts') {
          res.statusCode = 404;
          res.end(JSON.stringify({ errors: [{ status: '404', title: 'Not Found' }] }));
          return;
        }
        const id = `chk_${this.requests.length}`;
        res.statusCode = 201;
        res.end(
          JSON.stringify({
            jsonapi: { version: '1.0' },
            data: {
              type: 'checkouts',
              id,
              attributes: { url: `https://pingvas.lemonsqueezy.com/checkout/custom/${id}` },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A webhook body signed the way Lemon Squeezy signs it: HMAC-SHA256 hex of the raw body. */
export function signedWebhook(
  secret: string,
  payload: object,
): { body: string; signature: string } {
  const body = JSON.stringify(payload);
  return { body, signature: createHmac('sha256', secret).update(body).digest('hex') };
}
