import { thinSorted } from '../../../../domain/analysis/deterministic-thinning';

describe('thinSorted', () => {
  it('leaves a small sample as it is', () => {
    const sorted = Float64Array.of(1, 2, 3);
    expect(thinSorted(sorted, 3)).toBe(sorted);
  });

  it('keeps evenly spaced order statistics of a large one', () => {
    const sorted = Float64Array.from({ length: 10 }, (_, i) => i);
    // positions (i + ½)·10/4 = 1.25, 3.75, 6.25, 8.75 → indices 1, 3, 6, 8
    expect(Array.from(thinSorted(sorted, 4))).toEqual([1, 3, 6, 8]);
  });
});
