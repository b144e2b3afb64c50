/**
 * Durable BullMQ queues (DESIGN §7, §9; seeds: one queue per plan tier).
 * Keys live under `<prefix>:<queue>:*`, where the prefix separates environments and tests.
 */
export const TIERS = ['enterprise', 'studio', 'pro', 'starter', 'free'] as const;
export type Tier = (typeof TIERS)[number];

export const QueueNames = {
  userEvents: 'user-events',
  generationResults: 'generation-results',
  galleryIngest: 'gallery-ingest',
  searchIndex: 'search-index',
  paymentMaintenance: 'payment-maintenance',
  galleryMaintenance: 'gallery-maintenance',
  generationMaintenance: 'generation-maintenance',
  systemEmail: 'system-email',
  systemExport: 'system-export',
  systemMaintenance: 'system-maintenance',
  userMaintenance: 'user-maintenance',
  tier: (tier: Tier) => `gen-${tier}` as const,
} as const;

/** Job names of the system worker's queues (DESIGN §16). */
export const SystemJobNames = { sendEmail: 'email.send', buildExport: 'export.build' } as const;

/** `search-index`: these images changed; the indexer reads them and updates the index. */
export const SearchIndexNames = { imagesChanged: 'images.changed' } as const;

export interface SearchIndexJob {
  imageIds: string[];
  requestId?: string;
}

/** Job names on the `user-events` queue. */
export const UserEventNames = { created: 'user.created' } as const;

/** BullMQ job ids may not contain ':'; one `user.created` job per user. */
export const userCreatedJobId = (userId: string) => `user-created-${userId}`;

/** `user.created`: payment-service opens the credit account (idempotent by userId). */
export interface UserCreatedEvent {
  userId: string;
  email: string;
  displayName: string | null;
  createdAt: string;
  requestId?: string;
}

/** free 0 … enterprise 4: a plan may use what needs its tier or a lower one. */
export function tierRank(tier: Tier): number {
  return TIERS.length - 1 - TIERS.indexOf(tier);
}

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

/** Dispatch weights per tier until payment-service's plans say otherwise (seeds: 16:8:4:2:1). */
export const DEFAULT_QUEUE_WEIGHTS: Readonly<Record<Tier, number>> = {
  enterprise: 16,
  studio: 8,
  pro: 4,
  starter: 2,
  free: 1,
};
