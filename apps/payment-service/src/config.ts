import { type Env, envInt, envUrl, loadServiceConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { z } from 'zod';

const variants = z
  .string()
  .transform((raw, ctx) => {
    try {
      const value: unknown = JSON.parse(raw);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const entries = Object.entries(value);
        if (entries.every(([, v]) => typeof v === 'string' || typeof v === 'number')) {
          return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
        }
      }
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: 'custom',
      message: 'must be a JSON object of plan or pack id to variant id',
    });
    return z.NEVER;
  })
  .default('{}');

const paymentEnv = {
  RESERVATION_TTL_MINUTES: envInt(1, 24 * 60).default(30),
  RESERVATION_SWEEP_INTERVAL_MS: envInt(1000, 3_600_000).default(60_000),
  LEMONSQUEEZY_API_URL: envUrl(['http:', 'https:']).default('https://api.lemonsqueezy.com'),
  LEMONSQUEEZY_API_KEY: z.string().optional(),
  LEMONSQUEEZY_STORE_ID: z.string().optional(),
  LEMONSQUEEZY_WEBHOOK_SECRET: z
    .string()
    .min(6, 'must have at least 6 characters')
    .max(40)
    .optional(),
  /** `{"starter":"123","pro":"456","pack-500":"789"}`: which Lemon Squeezy variant sells what. */
  LEMONSQUEEZY_VARIANTS: variants,
};

export function loadPaymentServiceConfig(env: Env) {
  return loadServiceConfig(SERVICES.payment.name, SERVICES.payment.port, env, paymentEnv, (e) => {
    /** plan or pack id → variant id */
    const variantIds: Readonly<Record<string, string>> = e.LEMONSQUEEZY_VARIANTS;
    return {
      reservations: {
        ttlMinutes: e.RESERVATION_TTL_MINUTES,
        sweepIntervalMs: e.RESERVATION_SWEEP_INTERVAL_MS,
      },
      lemonSqueezy: {
        apiUrl: e.LEMONSQUEEZY_API_URL,
        apiKey: e.LEMONSQUEEZY_API_KEY,
        storeId: e.LEMONSQUEEZY_STORE_ID,
        webhookSecret: e.LEMONSQUEEZY_WEBHOOK_SECRET,
        variants: variantIds,
      },
    };
  });
}

export type PaymentServiceConfig = ReturnType<typeof loadPaymentServiceConfig>;
