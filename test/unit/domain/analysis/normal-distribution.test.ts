import { normalCdf, normalQuantile, normalUpperTail } from '../../../../domain/analysis/normal-distribution';

// Well-known values of the standard normal distribution: the NIST/SEMATECH e-Handbook of Statistical Methods,
// section 1.3.6.7.1, tabulates Φ and its percentage points to 5 digits; the further digits are the widely quoted
// double-precision values (e.g. R's qnorm(0.975) = 1.959963984540054).
describe('normal distribution', () => {
  it.each<[number, number]>([
    [0, 0.5],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [-3, 0.0013498980316301],
    [2.5, 0.9937903346742238],
    [3.5, 0.9997673709209645],
    [-4, 0.00003167124183311992],
  ])('Φ(%d) = %d', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 14);
  });

  it('keeps the precision of small upper tails', () => {
    // Outside ±6σ lies about 1.97318 × 10⁻⁹ of the distribution (Wikipedia, "68–95–99.7 rule", table of σ-ranges).
    expect(normalUpperTail(6) / (1.9731754e-9 / 2)).toBeCloseTo(1, 6);
    expect(normalCdf(-6) / (1.9731754e-9 / 2)).toBeCloseTo(1, 6);
  });

  it.each<[number, number]>([
    [0.975, 1.959963984540054],
    [0.95, 1.6448536269514722],
    [0.5, 0],
    [0.01, -2.3263478740408408],
  ])('the %d quantile is %d', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 10);
  });

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(/0 < p < 1/);
  });
});
