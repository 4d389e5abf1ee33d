import { quantileOfSorted, sortedAscending } from './order-statistics';

export interface OutlierSplit {
  kept: number[];
  removed: number[];
}

/**
 * Tukey's fences: a value further than 1.5 × IQR below the first or above the third quartile is an outlier (a device
 * with a fault of its own, not the update's). Quartiles by linear interpolation (Hyndman & Fan type 7, see
 * quantileOfSorted). Applied to each cohort on its own, so a regression that shifts the whole updated cohort is not
 * mistaken for outliers. Fewer than 4 values have no meaningful quartiles: nothing is removed.
 */
export function splitOutliers(values: readonly number[]): OutlierSplit {
  if (values.length < 4) return { kept: [...values], removed: [] };
  const sorted = sortedAscending(values);
  const q1 = quantileOfSorted(sorted, 0.25);
  const q3 = quantileOfSorted(sorted, 0.75);
  const reach = 1.5 * (q3 - q1);
  const kept: number[] = [];
  const removed: number[] = [];
  for (const value of values) (value < q1 - reach || value > q3 + reach ? removed : kept).push(value);
  return { kept, removed };
}
