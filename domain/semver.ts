/**
 * Versions as the service reads them: leniently, with the precedence devices use (common/semver.ts).
 *
 * Why a parser of its own: the service reads versions others wrote (CI tags such as `v1.2.3`, what devices report
 * in their twins, prerequisites registered by operators) and must still order them in reports and plans, so it
 * accepts a `v` prefix, leading zeros and empty pre-release identifiers. A device parses strictly with
 * common/semver.ts, because it decides what it installs. Once parsed, both rank versions by the same rule.
 */
import { semverPrecedence, type SemVer } from '../common/semver';

const pattern = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function isSemver(version: string): boolean {
  return pattern.test(version);
}

/** Negative when a < b, 0 when equal, positive when a > b; build metadata is ignored. Throws for a non-semver string. */
export function compareSemver(a: string, b: string): number {
  return semverPrecedence(parse(a), parse(b));
}

function parse(version: string): SemVer {
  const match = pattern.exec(version);
  if (!match) throw new RangeError(`'${version}' is not a semantic version (x.y.z)`);
  const [, major, minor, patch, prerelease] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    // A numeric identifier with leading zeros ranks as the number it spells (`rc.01` as `rc.1`).
    prerelease: prerelease ? prerelease.split('.').map((id) => (/^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id)) : [],
  };
}
