import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A subscription as the stand-in holds it: Lemon Squeezy's attribute names. */
export interface StandInSubscription {
  status: string;
  cancelled: boolean;
  variant_id: number;
  customer_id: number;
  user_email: string;
  renews_at: string | null;
  ends_at: string | null;
  updated_at: string;
  urls: { customer_portal: string; update_payment_method: string };
}

const SUBSCRIPTION_PATH = /^\/v1\/subscriptions\/([^/?]+)$/;

/**
 * A local server that speaks the part of the Lemon Squeezy API Pingvas uses (JSON:API),
 * recording what it was sent: `POST /v1/checkouts`, and `GET`, `PATCH` (`cancelled: false`
 * resumes, `variant_id` changes the plan) and `DELETE` (cancel at period end) on
 * `/v1/subscriptions/:id` for the subscriptions a test puts there with `addSubscription`.
 */
export class LemonSqueezyStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly subscriptions = new Map<string, StandInSubscription>();
  private server?: Server;
  private clock = Date.now();
  /** Set to make the next calls fail the way the real API does. */
  failWith?: number;

  /** A subscription the API knows, active and renewing in a month unless told otherwise. */
  addSubscription(id: string, attributes: Partial<StandInSubscription> = {}): StandInSubscription {
    const subscription: StandInSubscription = {
      status: 'active',
      cancelled: false,
      variant_id: 1,
      customer_id: 77,
      user_email: 'customer@example.com',
      renews_at: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
      ends_at: null,
      updated_at: this.tick(),
      urls: {
        customer_portal: `https://pingvas.lemonsqueezy.com/billing?expires=9999999999&signature=portal${id}`,
        update_payment_method: `https://pingvas.lemonsqueezy.com/subscription/${id}/payment-details`,
      },
      ...attributes,
    };
    this.subscriptions.set(id, subscription);
    return subscription;
  }

  /** The requests made to one subscription. */
  requestsFor(id: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === `/v1/subscriptions/${id}`);
  }

  /** Every change gets a later `updated_at` than the one before. */
  private tick(): string {
    this.clock = Math.max(this.clock + 1000, Date.now());
    return new Date(this.clock).toISOString();
  }

  private subscription(method: string, id: string, body: unknown): [number, object] {
    const s = this.subscriptions.get(id);
    if (!s) return [404, { errors: [{ status: '404', title: 'Not Found' }] }];
    const cancel = () =>
      Object.assign(s, { status: 'cancelled', cancelled: true, ends_at: s.renews_at ?? s.ends_at });
    if (method === 'DELETE') {
      // Lemon Squeezy's cancel: still active until the end of the period, resumable until then.
      cancel();
      s.updated_at = this.tick();
    } else if (method === 'PATCH') {
      const data = (body as { data?: { type?: unknown; id?: unknown; attributes?: unknown } })
        ?.data;
      const a = (data?.attributes ?? {}) as Record<string, unknown>;
      if (data?.type !== 'subscriptions' || data.id !== id)
        return [422, { errors: [{ status: '422', title: 'Unprocessable Entity' }] }];
      if (a.cancelled === true) cancel();
      if (a.cancelled === false && s.status === 'cancelled') {
        Object.assign(s, { status: 'active', cancelled: false, ends_at: null });
      }
      if (a.variant_id !== undefined) {
        if (typeof a.variant_id !== 'number')
          return [422, { errors: [{ status: '422', title: 'variant_id must be an integer' }] }];
        s.variant_id = a.variant_id;
      }
      s.updated_at = this.tick();
    } else if (method !== 'GET') {
      return [405, { errors: [{ status: '405', title: 'Method Not Allowed' }] }];
    }
    return [
      200,
      {
        jsonapi: { version: '1.0' },
        links: { self: `https://api.lemonsqueezy.com/v1/subscriptions/${id}` },
        data: {
          type: 'subscriptions',
          id,
          attributes: {
            store_id: 42,
            order_id: 1,
            product_name: 'Pingvas',
            variant_name: String(s.variant_id),
            status_formatted: s.status,
            pause: null,
            trial_ends_at: null,
            billing_anchor: 1,
            ...s,
            created_at: s.updated_at,
          },
        },
      },
    ];
  }

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
        const subscriptionId = SUBSCRIPTION_PATH.exec(req.url ?? '')?.[1];
        if (subscriptionId) {
          const [status, answer] = this.subscription(
            req.method ?? '',
            decodeURIComponent(subscriptionId),
            body,
          );
          res.statusCode = status;
          res.end(JSON.stringify(answer));
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
