/** The Admin GraphQL leaky bucket: query cost points per shop, restored over time. */

/** `extensions.cost.throttleStatus` as Shopify reports it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** One bucket per shop, full at first, refilled by `restoreRate` points a second. */
export class CostBucket {
  #levels = new Map<string, { available: number; at: number }>();
  #now: () => number;
  readonly maximum: number;
  readonly restoreRate: number;

  constructor(now: () => number, maximum = 2000, restoreRate = 100) {
    this.#now = now;
    this.maximum = maximum;
    this.restoreRate = restoreRate;
  }

  /** The shop's bucket now. */
  status(shop: string): ThrottleStatus {
    return {
      maximumAvailable: this.maximum,
      currentlyAvailable: Math.floor(this.#level(shop)),
      restoreRate: this.restoreRate,
    };
  }

  /** Takes `cost` points if the bucket holds them; false (and nothing taken) if not. */
  take(shop: string, cost: number): boolean {
    const level = this.#level(shop);
    if (level < cost) return false;
    this.#set(shop, level - cost);
    return true;
  }

  /** Gives back points charged but not used (requested minus actual cost). */
  refund(shop: string, points: number): void {
    this.#set(shop, Math.min(this.maximum, this.#level(shop) + points));
  }

  /** Sets the shop's level, e.g. to 0 to make the next queries throttle. */
  setAvailable(shop: string, points: number): void {
    this.#set(shop, Math.max(0, Math.min(this.maximum, points)));
  }

  #level(shop: string): number {
    const state = this.#levels.get(shop);
    if (!state) return this.maximum;
    const elapsed = Math.max(0, this.#now() - state.at) / 1000;
    return Math.min(this.maximum, state.available + elapsed * this.restoreRate);
  }

  #set(shop: string, available: number): void {
    this.#levels.set(shop, { available, at: this.#now() });
  }
}
