import { isUUID } from 'class-validator';

/** The parts of Lemon Squeezy webhook bodies we read (JSON:API; see ops-facts §5). */
export interface LemonSqueezyEvent {
  meta?: { event_name?: unknown; custom_data?: { user_id?: unknown } | null };
  data?: { type?: unknown; id?: unknown; attributes?: Record<string, unknown> };
}

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

export function customUserId(event: LemonSqueezyEvent): string | undefined {
  const id = event.meta?.custom_data?.user_id;
  return typeof id === 'string' && isUUID(id) ? id.toLowerCase() : undefined;
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function timestamp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
