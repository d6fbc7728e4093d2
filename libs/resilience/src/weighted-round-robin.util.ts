/** Smooth weighted round-robin (as in nginx): weights 3:1 give a,a,b,a spread evenly, not a,a,a,b. */
export class SmoothWeightedRoundRobin<T extends { weight: number }> {
  private readonly current: number[];

  constructor(private readonly items: readonly T[]) {
    this.current = items.map(() => 0);
  }

  /** Next item among those `usable` allows; undefined when none is usable. */
  next(usable: (item: T, index: number) => boolean = () => true): T | undefined {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.items.length; i++) {
      if (!usable(this.items[i], i)) continue;
      const weight = this.items[i].weight;
      this.current[i] += weight;
      total += weight;
      if (best === -1 || this.current[i] > this.current[best]) best = i;
    }
    if (best === -1) return undefined;
    this.current[best] -= total;
    return this.items[best];
  }
}
