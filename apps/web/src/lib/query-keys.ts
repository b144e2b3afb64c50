/**
 * Query keys in one place: features invalidate what another screen shows (a generation
 * changes the balance and the gallery) without importing each other.
 */
export const queryKeys = {
  me: ['me'] as const,
  balance: ['credits', 'balance'] as const,
  ledger: ['credits', 'ledger'] as const,
  catalogue: ['plans'] as const,
  subscription: ['billing', 'subscription'] as const,
  models: ['models'] as const,
  generations: ['generations'] as const,
  generation: (id: string) => ['generations', id] as const,
  queue: ['queue'] as const,
  images: ['images'] as const,
  image: (id: string) => ['images', 'one', id] as const,
  boards: ['boards'] as const,
  search: ['search'] as const,
  apiKeys: ['api-keys'] as const,
};
