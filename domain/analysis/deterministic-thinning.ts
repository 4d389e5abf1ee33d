import { valueAt } from './order-statistics';

/**
 * At most `limit` values that keep the shape of a sorted sample: the order statistics at evenly spaced plotting
 * positions (i + ½)·n/limit. No randomness, so the same devices give the same verdict on every replay of the
 * orchestration. Returns the input itself when it is small enough.
 */
export function thinSorted(sorted: Float64Array, limit: number): Float64Array {
  if (sorted.length <= limit) return sorted;
  const thinned = new Float64Array(limit);
  for (let i = 0; i < limit; i++) thinned[i] = valueAt(sorted, Math.floor(((i + 0.5) * sorted.length) / limit));
  return thinned;
}
