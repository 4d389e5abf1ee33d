import { valueAt } from './order-statistics';

export interface PooledRanks {
  /** The rank of each value, in input order, 1-based; tied values share the mean of their ranks (mid-ranks). */
  ranks: number[];
  /** The size of every group of tied values (groups of one included), for the variance's tie correction. */
  tieGroupSizes: number[];
}

export function midRanks(values: readonly number[]): PooledRanks {
  const order = values.map((_, index) => index).sort((a, b) => valueAt(values, a) - valueAt(values, b));
  const ranks = new Array<number>(values.length).fill(0);
  const tieGroupSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && valueAt(values, valueAt(order, end)) === valueAt(values, valueAt(order, start))) end++;
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[valueAt(order, k)] = midRank;
    tieGroupSizes.push(end - start);
    start = end;
  }
  return { ranks, tieGroupSizes };
}
