import { cumulativeAt, exactUCumulative } from '../../../../domain/analysis/mann-whitney-exact';

describe('exactUCumulative', () => {
  it('counts the 6 arrangements of 2 against 2 values: U = 0,1,2,3,4 in 1,1,2,1,1 of them', () => {
    expect(Array.from(exactUCumulative(2, 2))).toEqual([1 / 6, 2 / 6, 4 / 6, 5 / 6, 6 / 6]);
  });

  it('puts 1 / C(m + n, m) on complete separation', () => {
    // C(40, 20) = 137846528820
    expect(cumulativeAt(exactUCumulative(20, 20), 0)).toBeCloseTo(1 / 137846528820, 22);
  });

  it('is symmetric around m·n/2 and reaches 1', () => {
    const cumulative = exactUCumulative(7, 12);
    const top = 7 * 12;
    expect(cumulativeAt(cumulative, top)).toBe(1);
    for (let u = 0; u < top; u++) {
      expect(cumulativeAt(cumulative, u)).toBeCloseTo(1 - cumulativeAt(cumulative, top - u - 1), 12);
    }
  });

  it('is 0 below the support', () => {
    expect(cumulativeAt(exactUCumulative(3, 3), -1)).toBe(0);
  });

  it('refuses cohorts above the exact limit', () => {
    expect(() => exactUCumulative(21, 5)).toThrow(/exact U distribution/);
  });
});
