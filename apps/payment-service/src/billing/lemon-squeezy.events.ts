import { isUUID } from 'class-validator';
import { z } from 'zod';

/**
 * Lemon Squeezy webhook bodies (JSON:API; see ops-facts §5), read leniently: only a body
 * without `meta.event_name` is refused; any other field of the wrong shape reads as absent,
 * so the event is stored and ignored rather than refused (Lemon Squeezy would redeliver it).
 */

/** An id or a short text; Lemon Squeezy sends ids as numbers or strings. */
const Text = z
  .union([z.string().min(1).max(200), z.number().finite().transform(String)])
  .optional()
  .catch(undefined);

/** An instant in any form `Date` reads, as ISO; anything else is null. */
const Instant = z
  .string()
  .pipe(z.coerce.date())
  .transform((date) => date.toISOString())
  .nullable()
  .catch(null);

/** Our user id, carried in `custom_data` from the checkout: a UUID, or nothing. */
const UserId = z
  .string()
  .refine((id) => isUUID(id))
  .transform((id) => id.toLowerCase())
  .optional()
  .catch(undefined);

const CustomData = z.object({ user_id: UserId }).nullish().catch(undefined);

const EventBody = z
  .object({
    meta: z.object({ event_name: z.string().min(1).max(200), custom_data: CustomData }),
    data: z
      .object({ id: Text, attributes: z.record(z.string(), z.unknown()).catch({}) })
      .catch({ id: undefined, attributes: {} }),
  })
  .transform(({ meta, data }) => ({
    name: meta.event_name,
    userId: meta.custom_data?.user_id,
    /** `data.id`: the subscription, invoice or order. */
    id: data.id,
    attributes: data.attributes,
  }));

export type LemonSqueezyEvent = z.output<typeof EventBody>;

/** The event in a signed body, or undefined when it has no usable `meta.event_name`. */
export function parseLemonSqueezyEvent(body: unknown): LemonSqueezyEvent | undefined {
  return EventBody.safeParse(body).data;
}

/** `data.attributes` of subscription events. */
export const SubscriptionAttributes = z.object({
  status: Text,
  variant_id: Text,
  customer_id: Text,
  updated_at: Instant,
  renews_at: Instant,
  ends_at: Instant,
});

/** `data.attributes` of subscription invoices. */
export const InvoiceAttributes = z.object({ subscription_id: Text });

/** `data.attributes` of orders; the status is kept as sent, to be named in the outcome. */
export const OrderAttributes = z.object({
  status: z.unknown(),
  first_order_item: z.object({ variant_id: Text }).catch({ variant_id: undefined }),
});

export const SUBSCRIPTION_EVENTS = new Set([
  'subscription_created',
  'subscription_updated',
  'subscription_cancelled',
  'subscription_resumed',
  'subscription_expired',
  'subscription_paused',
  'subscription_unpaused',
]);

/** Statuses that keep the paid plan; `cancelled` keeps it until `ends_at`. */
const PAID_STATUSES = new Set(['active', 'on_trial', 'past_due', 'cancelled']);

export function keepsPaidPlan(status: string, endsAt: string | null, now = new Date()): boolean {
  if (!PAID_STATUSES.has(status)) return false;
  return status !== 'cancelled' || endsAt === null || new Date(endsAt) > now;
}
