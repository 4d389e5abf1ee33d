/**
 * Paces one operation class at a rate: a token bucket whose callers reserve tokens in arrival order. A caller that
 * finds too few tokens takes them anyway (the balance goes negative) and waits until the rate has paid them back, so
 * a burst of callers is spread evenly and a large request (a job over 500 devices) simply waits longer.
 */
import type { Clock } from './clock';
import { quotaPerSecond, type HubOperation, type HubTier } from './hub-quotas';

export interface TokenBucketOptions {
  ratePerSecond: number;
  /** Tokens that may be spent at once after a quiet spell; 1 = strictly even spacing. */
  capacity?: number;
  clock: Clock;
}

export class TokenBucket {
  readonly ratePerSecond: number;
  private readonly capacity: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be positive, not ${options.ratePerSecond}`);
    this.ratePerSecond = options.ratePerSecond;
    this.capacity = Math.max(1, options.capacity ?? 1);
    this.clock = options.clock;
    this.tokens = this.capacity;
    this.updatedAt = options.clock.now();
  }

  /** Resolves when `count` tokens are the caller's. */
  async take(count = 1): Promise<void> {
    const wait = this.reserve(count);
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** Takes `count` tokens now and returns how long (ms) the caller must wait before using them. */
  reserve(count = 1): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
    this.tokens -= count;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000;
  }
}

export interface HubPacing extends HubTier {
  /** Share of each quota this app may use (the rest is left to devices and other callers), 0 < share. */
  quotaShare: number;
  /** Hub seconds per real second: 1 for Azure; a local hub on a faster clock grants proportionally more per real second. */
  clockScale?: number;
}

/** The bucket holding one operation class at `quotaShare` of the tier's quota. */
export function hubBucket(operation: HubOperation, pacing: HubPacing, clock: Clock, capacity = 1): TokenBucket {
  const ratePerSecond = quotaPerSecond(operation, pacing) * pacing.quotaShare * (pacing.clockScale ?? 1);
  return new TokenBucket({ ratePerSecond, capacity, clock });
}
