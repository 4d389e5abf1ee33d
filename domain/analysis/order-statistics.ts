/** Sorting and quantiles of plain number arrays (no NaN: callers drop non-finite values first). */

/** The element at `index`, which must exist (arrays are read with noUncheckedIndexedAccess). */
export function valueAt(values: ArrayLike<number>, index: number): number {
  const value = values[index];
  if (value === undefined) throw new RangeError(`index ${index} outside 0…${values.length - 1}`);
  return value;
}

export function sortedAscending(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The p-quantile of sorted values by linear interpolation between order statistics: Hyndman & Fan's type 7, the
 * default of R's `quantile()` and of NumPy: h = (n − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('the quantile of no values');
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const lower = valueAt(sorted, below);
  return below + 1 < sorted.length ? lower + (h - below) * (valueAt(sorted, below + 1) - lower) : lower;
}

export function medianOfSorted(sorted: ArrayLike<number>): number {
  return quantileOfSorted(sorted, 0.5);
}
