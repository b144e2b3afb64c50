import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import type { PaymentServiceConfig } from '../config';

const TIMEOUT_MS = 10_000;
/** An answer larger than this is not a checkout: refused like an unreachable provider. */
const MAX_ANSWER_BYTES = 1024 * 1024;

interface CheckoutAnswer {
  data?: { attributes?: { url?: unknown } };
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
    const { apiUrl, apiKey, storeId } = this.config.lemonSqueezy;
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
    let status: number;
    let text: string;
    try {
      // One deadline for the whole exchange, the answer's body included.
      const res = await fetch(`${apiUrl.replace(/\/$/, '')}/v1/checkouts`, {
        method: 'POST',
        headers: {
          accept: 'application/vnd.api+json',
          'content-type': 'application/vnd.api+json',
          authorization: `Bearer ${apiKey}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      text = await readCapped(res);
    } catch (err) {
      this.logger.warn(`Lemon Squeezy unreachable: ${String(err)}`);
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        'The payment provider cannot be reached; try again shortly',
      );
    }
    const url = parseAnswer(text)?.data?.attributes?.url;
    if (status !== 201 || typeof url !== 'string' || !url.startsWith('https://')) {
      this.logger.warn(`Lemon Squeezy refused a checkout: HTTP ${status}`);
      throw new AppError('UPSTREAM_ERROR', 'The payment provider refused to create a checkout');
    }
    return url;
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
function parseAnswer(text: string): CheckoutAnswer | undefined {
  try {
    return text ? (JSON.parse(text) as CheckoutAnswer) : undefined;
  } catch {
    return undefined;
  }
}
