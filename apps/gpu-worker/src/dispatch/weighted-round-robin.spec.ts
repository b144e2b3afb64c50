import { WeightedRoundRobin } from './weighted-round-robin';

const TIERS = ['enterprise', 'studio', 'pro', 'starter', 'free'] as const;
type T = (typeof TIERS)[number];
const WEIGHTS: Record<T, number> = { enterprise: 16, studio: 8, pro: 4, starter: 2, free: 1 };

/** Queues of `depth` jobs each; returns the tier of every job served, in order. */
async function serve(depths: Record<T, number>, picks: number, weights = WEIGHTS): Promise<T[]> {
  const left = { ...depths };
  const rr = new WeightedRoundRobin(TIERS, weights);
  const order: T[] = [];
  for (let i = 0; i < picks; i++) {
    const tier = rr.pick(busy(left));
    if (!tier) break;
    left[tier]--;
    order.push(tier);
  }
  return order;
}

const busy = (left: Record<T, number>) => new Set(TIERS.filter((t) => left[t] > 0));
const count = (order: T[], tier: T) => order.filter((t) => t === tier).length;

describe('WeightedRoundRobin', () => {
  it('gives every busy tier exactly its weight in each round of 31 picks', async () => {
    const order = await serve({ enterprise: 99, studio: 99, pro: 99, starter: 99, free: 99 }, 93);
    for (let round = 0; round < 3; round++) {
      const slice = order.slice(round * 31, round * 31 + 31);
      expect(TIERS.map((t) => count(slice, t))).toEqual([16, 8, 4, 2, 1]);
    }
  });

  it('spreads the picks: the heaviest tier never runs 31 in a row, the lightest is served in the first round', async () => {
    const order = await serve({ enterprise: 99, studio: 99, pro: 99, starter: 99, free: 99 }, 31);
    expect(order.indexOf('free')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('free')).toBeLessThan(31);
    let run = 0;
    let longest = 0;
    for (const t of order) longest = Math.max(longest, (run = t === 'enterprise' ? run + 1 : 0));
    expect(longest).toBeLessThanOrEqual(2);
  });

  it('is work-conserving: an empty tier’s share goes to the others in their proportions', async () => {
    const order = await serve({ enterprise: 0, studio: 99, pro: 99, starter: 99, free: 99 }, 45);
    expect(TIERS.map((t) => count(order, t))).toEqual([0, 24, 12, 6, 3]);
  });

  it('serves a lone busy tier every time and stops when all are empty', async () => {
    const order = await serve({ enterprise: 0, studio: 0, pro: 0, starter: 0, free: 5 }, 10);
    expect(order).toEqual(['free', 'free', 'free', 'free', 'free']);
  });

  it('does not let a tier bank credit while it was empty', async () => {
    const rr = new WeightedRoundRobin(TIERS, WEIGHTS);
    const left: Record<T, number> = { enterprise: 999, studio: 0, pro: 0, starter: 0, free: 999 };
    const take = () => {
      const tier = rr.pick(busy(left)) as T;
      left[tier]--;
      return tier;
    };
    for (let i = 0; i < 170; i++) take(); // studio idle for 10 rounds of 17
    left.studio = 99;
    const order = Array.from({ length: 25 }, take);
    expect(TIERS.map((t) => count(order, t))).toEqual([16, 8, 0, 0, 1]);
  });

  it('follows new weights at once', async () => {
    const order = await serve({ enterprise: 99, studio: 99, pro: 0, starter: 0, free: 0 }, 20, {
      ...WEIGHTS,
      enterprise: 1,
      studio: 1,
    });
    expect(count(order, 'enterprise')).toBe(10);
    expect(count(order, 'studio')).toBe(10);
  });
});
