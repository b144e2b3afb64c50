import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, APP_CONFIG, requestJson } from '@pingvas/common';
import type { PaymentServiceConfig } from '../config';

const TIMEOUT_MS = 10_000;

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
    let answer;
    try {
      answer = await requestJson<CheckoutAnswer>(
        'POST',
        `${apiUrl.replace(/\/$/, '')}/v1/checkouts`,
        {
          headers: {
            accept: 'application/vnd.api+json',
            'content-type': 'application/vnd.api+json',
            authorization: `Bearer ${apiKey}`,
          },
          body,
          timeoutMs: TIMEOUT_MS,
        },
      );
    } catch (err) {
      this.logger.warn(`Lemon Squeezy unreachable: ${String(err)}`);
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        'The payment provider cannot be reached; try again shortly',
      );
    }
    const url = answer.body?.data?.attributes?.url;
    if (answer.status !== 201 || typeof url !== 'string' || !url.startsWith('https://')) {
      this.logger.warn(`Lemon Squeezy refused a checkout: HTTP ${answer.status}`);
      throw new AppError('UPSTREAM_ERROR', 'The payment provider refused to create a checkout');
    }
    return url;
  }
}
