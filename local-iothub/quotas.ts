/**
 * IoT Hub's per-hub operation throttles (docs/azure-facts.md, "Throttles"; the Azure "IoT Hub quotas and throttling"
 * page): one token bucket per operation class, refilled at the tier's rate and holding about one second of it (at
 * least one token), so a burst the real hub would shape is refused here with 429 ThrottlingException.
 *
 * Buckets count on the hub clock (`now`), which follows the Functions host clock when it is scaled or skipped: a
 * clock running 10× fast gives 10× the operations per real second, i.e. the same operations per hub second, so the
 * app's pacing (written against hub time) sees the quotas it would see in Azure.
 */
export type IotHubSku = 'S1' | 'S2' | 'S3';

export type QuotaClass =
  | 'identityRegistry'
  | 'twinReads'
  | 'twinUpdates'
  | 'queries'
  | 'jobOperations'
  | 'jobDeviceOperations'
  | 'directMethods'
  | 'deviceConnections'
  | 'deviceToCloud';

export const quotaClasses: readonly QuotaClass[] = [
  'identityRegistry', 'twinReads', 'twinUpdates', 'queries', 'jobOperations', 'jobDeviceOperations', 'directMethods', 'deviceConnections', 'deviceToCloud',
];

/** Operations per second the tier allows for a class (the whole hub, all units). */
export function ratePerSecond(quota: QuotaClass, sku: IotHubSku, units: number): number {
  const u = units;
  switch (quota) {
    case 'identityRegistry': return sku === 'S3' ? (5000 / 60) * u : (100 / 60) * u;
    case 'twinReads': return sku === 'S1' ? 100 : sku === 'S2' ? Math.max(100, 10 * u) : 500 * u;
    case 'twinUpdates': return sku === 'S1' ? 50 : sku === 'S2' ? Math.max(50, 5 * u) : 250 * u;
    case 'queries': return ((sku === 'S3' ? 1000 : 20) / 60) * u;
    case 'jobOperations': return sku === 'S3' ? (5000 / 60) * u : (100 / 60) * u;
    case 'jobDeviceOperations': return sku === 'S1' ? 10 : sku === 'S2' ? Math.max(10, u) : 50 * u;
    // Metered in 8 KB requests: 160 KB/s/unit (S1), 480 KB/s/unit (S2), 24 MB/s/unit (S3).
    case 'directMethods': return (sku === 'S1' ? 20 : sku === 'S2' ? 60 : 3000) * u;
    case 'deviceConnections': return sku === 'S1' ? Math.max(100, 12 * u) : sku === 'S2' ? 120 * u : 6000 * u;
    case 'deviceToCloud': return sku === 'S1' ? Math.max(100, 12 * u) : sku === 'S2' ? 120 * u : 6000 * u;
  }
}

/** Jobs (twin update, device method) that may be queued, scheduled or running at once. */
export function concurrentJobsLimit(sku: IotHubSku): number {
  return sku === 'S1' ? 1 : sku === 'S2' ? 5 : 10;
}

/** A bucket of `capacity` tokens refilled at `rate` per second of the given clock. */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    readonly rate: number,
    readonly capacity: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.updatedMs = now();
  }

  /** Takes `count` tokens if they are there. */
  tryTake(count = 1): boolean {
    this.refill();
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  /** Seconds until `count` tokens will be there (for Retry-After). */
  secondsUntil(count = 1): number {
    this.refill();
    return this.tokens >= count ? 0 : (count - this.tokens) / this.rate;
  }

  private refill(): void {
    const nowMs = this.now();
    // A clock set back (a restarted host clock) must not drain the bucket: start counting again from here.
    const elapsedMs = Math.max(0, nowMs - this.updatedMs);
    this.updatedMs = nowMs;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs / 1000) * this.rate);
  }
}

export interface QuotaOptions {
  sku?: IotHubSku;
  units?: number;
  /** Hub clock (ms). */
  now: () => number;
  /** Rates per second replacing the tier's for some classes (tests; Infinity turns a throttle off). */
  overrides?: Partial<Record<QuotaClass, number>>;
}

export interface QuotaStats {
  ratePerSecond: number;
  requests: number;
  throttled: number;
  /** Hub-clock seconds in which at least one operation was admitted: requests ÷ this is the rate achieved while busy. */
  activeSeconds: number;
}

export class HubQuotas {
  readonly sku: IotHubSku;
  readonly units: number;
  readonly concurrentJobs: number;
  private readonly buckets = new Map<QuotaClass, TokenBucket | undefined>();
  private readonly counters = new Map<QuotaClass, { requests: number; throttled: number; activeSeconds: number; lastSecond: number }>();
  private readonly now: () => number;
  private readonly rates = new Map<QuotaClass, number>();

  constructor(options: QuotaOptions) {
    this.sku = options.sku ?? 'S1';
    this.units = options.units ?? 1;
    if (!['S1', 'S2', 'S3'].includes(this.sku)) throw new RangeError(`Unknown IoT Hub SKU ${String(this.sku)}: use S1, S2 or S3.`);
    if (!Number.isInteger(this.units) || this.units < 1 || this.units > 200) throw new RangeError(`IoT Hub units must be an integer from 1 to 200, not ${this.units}.`);
    this.concurrentJobs = concurrentJobsLimit(this.sku);
    this.now = options.now;
    for (const quota of quotaClasses) {
      const rate = options.overrides?.[quota] ?? ratePerSecond(quota, this.sku, this.units);
      if (!(rate > 0)) throw new RangeError(`The rate of ${quota} must be positive, not ${rate}.`);
      this.rates.set(quota, rate);
      // About a second of rate, and at least 2: a client paced exactly to a slow quota (20 queries a minute) whose
      // requests arrive a little unevenly is not refused for it, as IoT Hub queues traffic briefly before refusing.
      this.buckets.set(quota, Number.isFinite(rate) ? new TokenBucket(rate, Math.max(2, rate), options.now) : undefined);
      this.counters.set(quota, { requests: 0, throttled: 0, activeSeconds: 0, lastSecond: -1 });
    }
  }

  rate(quota: QuotaClass): number {
    return this.rates.get(quota)!;
  }

  /** Counts one operation of the class; false when it is over the quota (the caller answers 429). */
  admit(quota: QuotaClass, count = 1): boolean {
    const counter = this.counters.get(quota)!;
    counter.requests += count;
    const bucket = this.buckets.get(quota);
    if (!bucket || bucket.tryTake(count)) {
      this.markActive(counter);
      return true;
    }
    counter.throttled += count;
    return false;
  }

  private markActive(counter: { activeSeconds: number; lastSecond: number }): void {
    const second = Math.floor(this.now() / 1000);
    if (second === counter.lastSecond) return;
    counter.lastSecond = second;
    counter.activeSeconds++;
  }

  /** Counts operations the hub paces itself (job device operations) without refusing any. */
  count(quota: QuotaClass, count: number): void {
    this.counters.get(quota)!.requests += count;
  }

  /** Whole seconds (at least 1) after which a refused operation may succeed, in hub time. */
  retryAfterSeconds(quota: QuotaClass): number {
    return Math.max(1, Math.ceil(this.buckets.get(quota)?.secondsUntil() ?? 0));
  }

  stats(): Record<QuotaClass, QuotaStats> {
    const result = {} as Record<QuotaClass, QuotaStats>;
    for (const quota of quotaClasses) {
      const { requests, throttled, activeSeconds } = this.counters.get(quota)!;
      result[quota] = { ratePerSecond: this.rate(quota), requests, throttled, activeSeconds };
    }
    return result;
  }
}
