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

/** A link Lemon Squeezy hands out (portal, receipt, payment details): https only. */
const Link = z
  .string()
  .max(2000)
  .refine((url) => url.startsWith('https://'))
  .optional()
  .catch(undefined);

const Flag = z.boolean().optional().catch(undefined);

/** An amount in minor units. */
const Amount = z.number().int().nonnegative().optional().catch(undefined);

/** A currency code, as ISO 4217 says. */
const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .optional()
  .catch(undefined);

/** The customer's address as Lemon Squeezy has it (the checkout's). */
const Email = z.string().email().max(320).optional().catch(undefined);

/** `data.attributes` of subscription events and of the subscription API's answers. */
export const SubscriptionAttributes = z.object({
  status: Text,
  variant_id: Text,
  customer_id: Text,
  /** Cancelled at the end of the period (`status` says `cancelled` until `ends_at`). */
  cancelled: Flag,
  updated_at: Instant,
  renews_at: Instant,
  ends_at: Instant,
  urls: z
    .object({ customer_portal: Link, update_payment_method: Link })
    .catch({ customer_portal: undefined, update_payment_method: undefined })
    .optional(),
});

/** `data.attributes` of subscription invoices. */
export const InvoiceAttributes = z.object({
  subscription_id: Text,
  /** `initial` (the first payment, receipted with its order), `renewal` or `updated`. */
  billing_reason: Text,
  status: Text,
  total: Amount,
  currency: Currency,
  user_email: Email,
  created_at: Instant,
  urls: z.object({ invoice_url: Link }).catch({ invoice_url: undefined }).optional(),
});

/** `data.attributes` of orders; the status is kept as sent, to be named in the outcome. */
export const OrderAttributes = z.object({
  status: z.unknown(),
  total: Amount,
  currency: Currency,
  user_email: Email,
  created_at: Instant,
  urls: z.object({ receipt: Link }).catch({ receipt: undefined }).optional(),
  first_order_item: z
    .object({ variant_id: Text, product_name: Text })
    .catch({ variant_id: undefined, product_name: undefined }),
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
