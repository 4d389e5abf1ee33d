import { compareSemver, isSemver } from '../../../domain/semver';

describe('compareSemver', () => {
  it.each([
    ['1.0.0', '2.0.0', -1],
    ['2.10.0', '2.9.0', 1],
    ['1.0.0', '1.0.0', 0],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-rc.2', '1.0.0-rc.10', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-1', '1.0.0-alpha', -1],
    ['v1.2.3', '1.2.3+build.7', 0],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareSemver(a, b))).toBe(sign);
  });

  it('reads versions others wrote (a v prefix, leading zeros) and ranks them as devices do', () => {
    expect(isSemver('v2.0.0-rc.1')).toBe(true);
    expect(compareSemver('v2.0.0-rc.1', '2.0.0')).toBeLessThan(0);
    expect(compareSemver('01.2.3', '1.2.3')).toBe(0);
    expect(compareSemver('1.0.0-9007199254740993', '1.0.0-9007199254740992')).toBeGreaterThan(0);
  });

  it('refuses what is not a version', () => {
    expect(isSemver('latest')).toBe(false);
    expect(() => compareSemver('latest', '1.0.0')).toThrow(/'latest' is not a semantic version/);
  });
});
