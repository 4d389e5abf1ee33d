import { hodgesLehmann, maxValuesPerCohort } from '../../../../domain/analysis/hodges-lehmann';

describe('hodgesLehmann against published worked examples', () => {
  it('Hollander & Wolfe Example 4.1 (Geyer, Stat 5601): point estimate −0.305', () => {
    // https://www.stat.umn.edu/geyer/5601/examp/ranksum.html, "Point Estimate (sample median of pairwise differences): -0.305",
    // the early-gestation permeability constants (y) minus the term ones (x).
    const term = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const early = [1.15, 0.88, 0.90, 0.74, 1.21];
    const estimate = hodgesLehmann(early, term, 0.95);
    expect(estimate.shift).toBeCloseTo(-0.305, 10);
    expect(estimate.method).toBe('exact');
  });

  it('Hollander & Wolfe chicken data (CAMIS, SAS PROC NPAR1WAY HL): 0.5600, asymptotic (Moses) 95 % limits −0.3700 and 1.1830', () => {
    // https://psiaims.github.io/CAMIS/SAS/nparestimate.html: "Location Shift (A - B) 0.5600 ... Asymptotic (Moses)
    // -0.3700 1.1830". Class B has ties, so the interval's order statistic comes from the normal approximation.
    const a = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
    const b = [0.878, 0.647, 0.598, 2.050, 1.060, 1.290, 1.060, 3.140, 1.290];
    const estimate = hodgesLehmann(a, b, 0.95);
    expect(estimate.shift).toBeCloseTo(0.56, 10);
    expect(estimate.interval[0]).toBeCloseTo(-0.37, 10);
    expect(estimate.interval[1]).toBeCloseTo(1.183, 10);
    expect(estimate.method).toBe('normal');
  });
});

describe('hodgesLehmann', () => {
  it('recovers a pure shift exactly, with an interval around it', () => {
    const baseline = Array.from({ length: 40 }, (_, i) => 1000 + i * 3.7);
    const estimate = hodgesLehmann(baseline.map((v) => v + 200), baseline, 0.95);
    expect(estimate.shift).toBeCloseTo(200, 9);
    expect(estimate.interval[0]).toBeLessThan(200);
    expect(estimate.interval[1]).toBeGreaterThan(200);
  });

  it('spans every difference when the cohorts are too small for the confidence', () => {
    // 2 against 2 values: the smallest one-sided probability is 1/6, above 0.025.
    expect(hodgesLehmann([10, 11], [1, 2], 0.95).interval).toEqual([8, 10]);
  });

  it('widens the interval as the confidence grows', () => {
    const x = Array.from({ length: 30 }, (_, i) => 50 + ((i * 7) % 30));
    const y = Array.from({ length: 30 }, (_, i) => 45 + ((i * 11) % 30));
    const narrow = hodgesLehmann(x, y, 0.8).interval;
    const wide = hodgesLehmann(x, y, 0.99).interval;
    expect(wide[0]).toBeLessThan(narrow[0]);
    expect(wide[1]).toBeGreaterThan(narrow[1]);
  });

  it(`thins cohorts above ${maxValuesPerCohort} values deterministically and says so`, () => {
    const big = Array.from({ length: 5000 }, (_, i) => i / 5);
    const first = hodgesLehmann(big.map((v) => v + 3), big, 0.95);
    const again = hodgesLehmann(big.map((v) => v + 3), big, 0.95);
    expect(first.thinned).toBe(true);
    expect(first).toEqual(again);
    expect(first.shift).toBeCloseTo(3, 9);
    expect(hodgesLehmann(big.slice(0, 100), big.slice(0, 100), 0.95).thinned).toBe(false);
  });

  it('refuses a confidence outside (0, 1)', () => {
    expect(() => hodgesLehmann([1], [2], 95)).toThrow(/confidence/);
  });
});
