import { compareSemver, parseSemver } from '../../../common/semver';

describe('compareSemver', () => {
  // The precedence example of semver.org, in ascending order.
  const ascending = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];

  it.each(ascending.slice(1).map((version, i) => [ascending[i] ?? '', version]))('%s < %s', (lower, higher) => {
    expect(compareSemver(lower, higher)).toBeLessThan(0);
    expect(compareSemver(higher, lower)).toBeGreaterThan(0);
  });

  it('ignores build metadata', () => {
    expect(compareSemver('1.2.3+build.5', '1.2.3')).toBe(0);
  });

  it('compares numeric pre-release identifiers of any length exactly', () => {
    expect(compareSemver('1.0.0-9007199254740993', '1.0.0-9007199254740992')).toBeGreaterThan(0);
  });

  it.each(['1.2', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3-01', 'latest'])('refuses %s', (text) => {
    expect(parseSemver(text)).toBeUndefined();
    expect(() => compareSemver(text, '1.0.0')).toThrow(/not a semantic version/);
  });
});
