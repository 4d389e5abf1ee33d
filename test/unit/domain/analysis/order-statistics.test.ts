import { medianOfSorted, quantileOfSorted, valueAt } from '../../../../domain/analysis/order-statistics';

describe('quantileOfSorted (Hyndman & Fan type 7)', () => {
  // h = (n − 1)·p; e.g. 1…10 at p = 0.25: h = 2.25, 3 + 0.25·(4 − 3) = 3.25 (R: quantile(1:10, 0.25) is 3.25).
  it.each<[number[], number, number]>([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.25, 3.25],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.75, 7.75],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5.5],
    [[7], 0.25, 7],
    [[1, 3], 1, 3],
    [[1, 3], 0, 1],
  ])('%j at %d is %d', (sorted, p, expected) => {
    expect(quantileOfSorted(sorted, p)).toBeCloseTo(expected, 12);
  });

  it('takes the middle value or the mean of the two middle values as the median', () => {
    expect(medianOfSorted([1, 2, 9])).toBe(2);
    expect(medianOfSorted([1, 2, 4, 9])).toBe(3);
  });

  it('refuses no values and indices outside the array', () => {
    expect(() => quantileOfSorted([], 0.5)).toThrow(/no values/);
    expect(() => valueAt([1], 1)).toThrow(/outside/);
  });
});
