import type { APIRequestContext } from '@playwright/test';
import { signedWebhook } from '../../../libs/testing/src/lemon-squeezy';

/** Which Lemon Squeezy variant sells each plan and pack in the browser tests' suite. */
export const LEMON_VARIANTS = {
  starter: '1001',
  pro: '1002',
  studio: '1003',
  enterprise: '1004',
  'pack-500': '2001',
};

/**
 * Subscriptions the stand-in knows from the start (it runs in the global setup's process, out
 * of the tests' reach): each test that subscribes takes one of its own, on Starter.
 */
export const STAND_IN_SUBSCRIPTIONS = { billing: '9001' } as const;
export const LEMON_WEBHOOK_SECRET = 'whsec-web-1234567890';

/** A subscription event as Lemon Squeezy delivers it, signed, through the edge. */
export async function deliverSubscription(
  request: APIRequestContext,
  event: {
    name: string;
    userId: string;
    subscriptionId: string;
    variantId: string;
    attributes: Record<string, unknown>;
  },
): Promise<void> {
  const signed = signedWebhook(LEMON_WEBHOOK_SECRET, {
    meta: { event_name: event.name, custom_data: { user_id: event.userId } },
    data: {
      type: 'subscriptions',
      id: event.subscriptionId,
      attributes: {
        variant_id: Number(event.variantId),
        customer_id: 77,
        updated_at: new Date().toISOString(),
        ...event.attributes,
      },
    },
  });
  const res = await request.post('/api/v1/webhooks/lemonsqueezy', {
    headers: { 'Content-Type': 'application/json', 'X-Signature': signed.signature },
    data: signed.body,
  });
  if (res.status() !== 200)
    throw new Error(`webhook answered ${res.status()}: ${await res.text()}`);
}
