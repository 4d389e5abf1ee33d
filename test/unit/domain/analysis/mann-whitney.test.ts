import { mannWhitney } from '../../../../domain/analysis/mann-whitney';

// Every expected value below is printed in the source named beside it. R prints two-sided p-values as twice the
// one-sided p-value in the direction of the effect, so the one-sided value checked is the printed one halved.
const permeabilityTerm = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const permeabilityEarly = [1.15, 0.88, 0.90, 0.74, 1.21];

describe('mannWhitney against published worked examples', () => {
  it.each<[string, number[], number[], 'greater' | 'less', { exact?: boolean; continuityCorrection?: boolean }, number, number, 'exact' | 'normal', number]>([
    // The example of R's ?wilcox.test (Hollander & Wolfe 1973, p. 69f, permeability constants), for which R prints
    // "Wilcoxon rank sum exact test ... W = 35, p-value = 0.1272".
    ['Hollander & Wolfe 1973 p. 69 (R ?wilcox.test), exact, greater', permeabilityTerm, permeabilityEarly, 'greater', {}, 35, 0.1272, 'exact', 5e-5],
    // Same example, "exact = FALSE, correct = FALSE  # H&W large sample approximation": "W = 35, p-value = 0.1103".
    ['Hollander & Wolfe 1973 p. 69, large-sample approximation', permeabilityTerm, permeabilityEarly, 'greater', { exact: false, continuityCorrection: false }, 35, 0.1103, 'normal', 5e-5],
    // Hollander & Wolfe Example 4.1 in Geyer's Stat 5601 notes, https://www.stat.umn.edu/geyer/5601/examp/ranksum.html:
    // "U = 15 (Mann-Whitney form) ... Lower-tailed ... P-value: P = 0.1272061".
    ['Hollander & Wolfe Example 4.1 (Geyer, Stat 5601), lower-tailed', permeabilityEarly, permeabilityTerm, 'less', {}, 15, 0.1272061, 'exact', 5e-8],
    // Ruczinski, JHU Biostatistics, https://biostat.jhsph.edu/~iruczins/teaching/materials/code/pnp/c.pnp.html:
    // "Wilcoxon rank sum exact test ... W = 8, p-value = 0.02557" (two-sided).
    ['Ruczinski (JHU) two-sample example, exact', [43.3, 57.1, 35.0, 50.0, 38.2, 61.2], [51.9, 95.1, 90.0, 49.7, 101.5, 74.1, 84.5, 46.8, 75.1], 'less', {}, 8, 0.02557 / 2, 'exact', 5e-6],
    // Aoki, Gunma University, http://aoki2.si.gunma-u.ac.jp/lecture/Average/U-test-r.html: "W = 4, p-value = 0.1905".
    ['Aoki (Gunma University) U-test example, exact', [1.2, 1.5, 1.8, 2.6], [1.3, 1.9, 2.9, 3.1, 3.9], 'less', {}, 4, 0.1905 / 2, 'exact', 5e-5],
    // endmemo, https://endmemo.com/r/wilcoxon.php: ties, "with continuity correction ... W = 51.5, p-value = 0.5966".
    ['endmemo example with ties, normal with tie and continuity correction', [1, 5, 9, 24, 56, 21, 3, 7, 21, 4], [12, 15, 5, 9, 9, 14, 56, 22, 3, 7, 32, 5], 'less', {}, 51.5, 0.5966 / 2, 'normal', 5e-5],
    // Same page, second example: "W = 0, p-value = 0.001364".
    ['endmemo second example, complete separation with ties', [1, 5, 9, 24, 56, 21, 3, 7, 21, 4], [1233, 4356, 987, 39999, 1111, 200000], 'less', {}, 0, 0.001364 / 2, 'normal', 5e-7],
    // Tewari, http://sanchitatewari.blogspot.com/2010/08/mann-whitney-u-test.html: "exact=F ... W = 5.5, p-value = 0.005907".
    ['Tewari leaf-size example, ties', [6, 4.8, 5.1, 5.5, 4.1, 5.3, 4.5, 5.1], [6.5, 5.5, 6.3, 7.2, 6.8, 5.5, 5.9, 5.5], 'less', {}, 5.5, 0.005907 / 2, 'normal', 5e-7],
    // The same data the other way round: "W = 58.5, p-value = 0.005907".
    ['Tewari leaf-size example, samples swapped', [6.5, 5.5, 6.3, 7.2, 6.8, 5.5, 5.9, 5.5], [6, 4.8, 5.1, 5.5, 4.1, 5.3, 4.5, 5.1], 'greater', {}, 58.5, 0.005907 / 2, 'normal', 5e-7],
  ])('%s', (_source, x, y, alternative, options, u, pValue, method, tolerance) => {
    const result = mannWhitney(x, y, alternative, options);
    expect(result.u).toBe(u);
    expect(result.method).toBe(method);
    expect(Math.abs(result.pValue - pValue)).toBeLessThanOrEqual(tolerance);
  });
});

describe('mannWhitney', () => {
  it('gives the two one-sided p-values of an exact test that overlap only at the observed U', () => {
    // P(U ≥ u) + P(U ≤ u) = 1 + P(U = u); for 2 against 2 values, P(U = 2) = 2/6.
    const greater = mannWhitney([1, 4], [2, 3], 'greater').pValue;
    const less = mannWhitney([1, 4], [2, 3], 'less').pValue;
    expect(greater + less).toBeCloseTo(1 + 2 / 6, 12);
  });

  it('finds no evidence when every value is the same', () => {
    expect(mannWhitney([5, 5, 5], [5, 5, 5, 5], 'greater')).toEqual({ u: 6, pValue: 1, method: 'normal' });
  });

  it('refuses an empty sample', () => {
    expect(() => mannWhitney([], [1, 2], 'greater')).toThrow(/both samples/);
  });
});
