/**
 * A device's health metrics over time, as the service keeps them for cohort analysis: per 5-minute bucket of the
 * hub clock and per version the device ran, the count and sum of each metric. Bounded (the newest `maxBuckets`
 * buckets: six hours), so a device's document stays small however long it reports.
 */

export interface MetricBucket {
  /** Start of the bucket (ISO 8601, hub clock). */
  start: string;
  /** The version the device ran when it sent these samples. */
  version: string;
  /** Per metric: how many samples and their sum. */
  metrics: Record<string, { n: number; sum: number }>;
}

export const bucketMs = 5 * 60_000;
export const maxBuckets = 72;

/** The buckets with one more sample (received at `receivedAt`, hub clock). */
export function addToBuckets(buckets: readonly MetricBucket[] | undefined, sample: { version: string; receivedAt: string; metrics: Record<string, number> }): MetricBucket[] {
  const start = new Date(Math.floor(toMs(sample.receivedAt, 'receivedAt') / bucketMs) * bucketMs).toISOString();
  const next = (buckets ?? []).map((b) => ({ ...b, metrics: { ...b.metrics } }));
  let bucket = next.find((b) => b.start === start && b.version === sample.version);
  if (!bucket) {
    bucket = { start, version: sample.version, metrics: {} };
    next.push(bucket);
    next.sort((a, b) => a.start.localeCompare(b.start));
  }
  for (const [name, value] of Object.entries(sample.metrics)) {
    const seen = bucket.metrics[name];
    bucket.metrics[name] = { n: (seen?.n ?? 0) + 1, sum: (seen?.sum ?? 0) + value };
  }
  return next.slice(Math.max(0, next.length - maxBuckets));
}

export interface MetricWindow {
  /** Buckets that start at or after the bucket holding `from`… */
  from: string;
  /** …and before `to`. */
  to: string;
  /** Only samples sent on this version, or on any other version. */
  version: { is: string } | { isNot: string };
}

/** Each metric's mean over the window, or undefined when the device sent nothing in it. */
export function windowMeans(buckets: readonly MetricBucket[] | undefined, window: MetricWindow): Record<string, number> | undefined {
  const from = Math.floor(toMs(window.from, 'from') / bucketMs) * bucketMs;
  const to = toMs(window.to, 'to');
  const totals: Record<string, { n: number; sum: number }> = {};
  for (const bucket of buckets ?? []) {
    const start = toMs(bucket.start, 'start');
    if (start < from || start >= to) continue;
    if ('is' in window.version ? bucket.version !== window.version.is : bucket.version === window.version.isNot) continue;
    for (const [name, { n, sum }] of Object.entries(bucket.metrics)) {
      const total = (totals[name] ??= { n: 0, sum: 0 });
      total.n += n;
      total.sum += sum;
    }
  }
  const names = Object.keys(totals);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [name, totals[name]!.sum / totals[name]!.n]));
}

function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} '${iso}' is not an ISO 8601 date-time`);
  return ms;
}
