import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import type { PaymentServiceConfig } from '../config';

const TIMEOUT_MS = 10_000;
/** An answer larger than this is not a checkout: refused like an unreachable provider. */
const MAX_ANSWER_BYTES = 1024 * 1024;

interface CheckoutAnswer {
  data?: { attributes?: { url?: unknown } };
}

interface SubscriptionAnswer {
  data?: { id?: unknown; attributes?: Record<string, unknown> | null };
}

/** A subscription as the API answers it; its attributes are read like a webhook's. */
export interface LemonSqueezySubscription {
  id: string;
  attributes: Record<string, unknown>;
}

/**
 * The Lemon Squeezy API (JSON:API). Its base URL comes from config, so tests point it at a
 * local server that speaks the same protocol; this code is what runs either way.
 */
@Injectable()
export class LemonSqueezyClient {
  private readonly logger = new Logger(LemonSqueezyClient.name);

  constructor(@Inject(APP_CONFIG) private readonly config: PaymentServiceConfig) {}

  /** `POST /v1/checkouts` for one variant, carrying our user id back in webhooks' custom_data. */
  async createCheckout(input: {
    variantId: string;
    userId: string;
    email?: string;
  }): Promise<string> {
    const { apiKey, storeId } = this.config.lemonSqueezy;
    if (!apiKey || !storeId)
      throw new AppError('BILLING_UNAVAILABLE', 'Billing is not configured on this server');
    const body = {
      data: {
        type: 'checkouts',
        attributes: {
          checkout_data: {
            custom: { user_id: input.userId },
            ...(input.email ? { email: input.email } : {}),
          },
        },
        relationships: {
          store: { data: { type: 'stores', id: storeId } },
          variant: { data: { type: 'variants', id: input.variantId } },
        },
      },
    };
    const { status, answer } = await this.exchange('POST', '/v1/checkouts', body);
    const url = (answer as CheckoutAnswer | undefined)?.data?.attributes?.url;
    if (status !== 201 || typeof url !== 'string' || !url.startsWith('https://')) {
      this.logger.warn(`Lemon Squeezy refused a checkout: HTTP ${status}`);
      throw new AppError('UPSTREAM_ERROR', 'The payment provider refused to create a checkout');
    }
    return url;
  }

  /** `GET /v1/subscriptions/:id`: the subscription as Lemon Squeezy holds it. */
  getSubscription(id: string): Promise<LemonSqueezySubscription> {
    return this.subscriptionCall('GET', id);
  }

  /**
   * `PATCH /v1/subscriptions/:id`: `cancelled: false` resumes a cancelled subscription,
   * `variant_id` changes the plan (prorated the way Lemon Squeezy prorates by default: the
   * difference is charged or credited at the next renewal).
   */
  updateSubscription(
    id: string,
    attributes: { cancelled?: false; variant_id?: number },
  ): Promise<LemonSqueezySubscription> {
    return this.subscriptionCall('PATCH', id, {
      data: { type: 'subscriptions', id, attributes },
    });
  }

  /**
   * `DELETE /v1/subscriptions/:id`: Lemon Squeezy's cancel. The subscription stays active,
   * `cancelled`, until `ends_at` (the end of the paid period), and can be resumed until then.
   */
  cancelSubscription(id: string): Promise<LemonSqueezySubscription> {
    return this.subscriptionCall('DELETE', id);
  }

  private async subscriptionCall(
    method: 'GET' | 'PATCH' | 'DELETE',
    id: string,
    body?: object,
  ): Promise<LemonSqueezySubscription> {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw new Error(`not a subscription id: ${id}`);
    const { status, answer } = await this.exchange(
      method,
      `/v1/subscriptions/${encodeURIComponent(id)}`,
      body,
    );
    const data = (answer as SubscriptionAnswer | undefined)?.data;
    if (status !== 200 || !data || typeof data.attributes !== 'object' || !data.attributes) {
      this.logger.warn(`Lemon Squeezy refused ${method} subscription ${id}: HTTP ${status}`);
      throw new AppError(
        'UPSTREAM_ERROR',
        'The payment provider refused the change to the subscription',
        { upstreamStatus: status },
      );
    }
    return { id: String(data.id ?? id), attributes: data.attributes };
  }

  /** One JSON:API exchange, bounded by one deadline for the whole answer. */
  private async exchange(
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; answer: unknown }> {
    const { apiUrl, apiKey } = this.config.lemonSqueezy;
    if (!apiKey)
      throw new AppError('BILLING_UNAVAILABLE', 'Billing is not configured on this server');
    try {
      const res = await fetch(`${apiUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.api+json',
          'content-type': 'application/vnd.api+json',
          authorization: `Bearer ${apiKey}`,
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return { status: res.status, answer: parseAnswer(await readCapped(res)) };
    } catch (err) {
      this.logger.warn(`Lemon Squeezy unreachable: ${String(err)}`);
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        'The payment provider cannot be reached; try again shortly',
      );
    }
  }
}

async function readCapped(res: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw new Error(`answered more than ${MAX_ANSWER_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The answer's JSON; a body that is not JSON reads as no answer (a refusal). */
function parseAnswer(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
