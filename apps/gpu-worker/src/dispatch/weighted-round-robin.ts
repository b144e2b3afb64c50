/**
 * Smooth weighted round-robin (the scheme nginx uses for upstream weights) over the sources
 * that have work. Each pick adds every busy source's weight to its credit, takes the source
 * with the most credit and charges it the busy sources' total weight. Over any run of
 * Σweights picks with the same sources busy, each gets exactly its weight, spread out rather
 * than in bursts, so the lightest is served within every round (no starvation).
 *
 * Idle sources take no part: their share goes to the busy ones (work-conserving), and their
 * credit is reset, so an idle spell neither banks credit nor leaves a debt.
 */
export class WeightedRoundRobin<K extends string> {
  private readonly credit = new Map<K, number>();

  constructor(
    private readonly keys: readonly K[],
    private weights: Readonly<Record<K, number>>,
  ) {
    for (const key of keys) this.credit.set(key, 0);
  }

  setWeights(weights: Readonly<Record<K, number>>): void {
    this.weights = weights;
  }

  /** The source to serve next among `busy`, or undefined when none is. Ties go to the first key. */
  pick(busy: ReadonlySet<K>): K | undefined {
    let chosen: K | undefined;
    let total = 0;
    for (const key of this.keys) {
      const weight = this.weights[key];
      if (!busy.has(key) || !(weight > 0)) {
        this.credit.set(key, 0);
        continue;
      }
      total += weight;
      const credit = (this.credit.get(key) ?? 0) + weight;
      this.credit.set(key, credit);
      if (chosen === undefined || credit > (this.credit.get(chosen) ?? 0)) chosen = key;
    }
    if (chosen !== undefined) this.credit.set(chosen, (this.credit.get(chosen) ?? 0) - total);
    return chosen;
  }
}
