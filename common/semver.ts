/**
 * Semantic Versioning 2.0 for `x.y.z[-pre][+build]`: the one precedence rule the service and devices share. A
 * device refuses a downgrade and checks a prerequisite's minimum version with it; the service picks the update that
 * satisfies a prerequisite and orders versions in reports with it, so both sides must agree on which is newer.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated identifiers after `-`; empty for a release. */
  prerelease: string[];
}

const pattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Strict: exactly the grammar of semver.org (no `v` prefix, no leading zeros, no empty identifiers). Devices parse
 * with it because they decide what they install; the service reads versions others wrote with the lenient parser
 * in domain/semver.ts, which ranks them with `semverPrecedence` below.
 */
export function parseSemver(text: string): SemVer | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const [, major = '', minor = '', patch = '', prerelease] = match;
  const numbers = [major, minor, patch].map(Number);
  if (!numbers.every(Number.isSafeInteger)) return undefined;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), prerelease: prerelease ? prerelease.split('.') : [] };
}

export function isSemver(text: string): boolean {
  return parseSemver(text) !== undefined;
}

/** Negative when a < b, 0 when equal in precedence (build metadata is ignored), positive when a > b. Throws on non-semver. */
export function compareSemver(a: string, b: string): number {
  const left = parseSemver(a);
  const right = parseSemver(b);
  if (!left || !right) throw new Error(`not a semantic version: ${JSON.stringify(left ? b : a)}`);
  return semverPrecedence(left, right);
}

/** The precedence of two parsed versions: negative, 0 or positive as `compareSemver`. */
export function semverPrecedence(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: string[], b: string[]): number {
  // A release ranks above any of its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareIdentifier(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareIdentifier(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  // Without leading zeros (the grammar forbids them) the longer number is the larger; no precision limit.
  if (numericA && numericB) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  // Numeric identifiers rank below alphanumeric ones.
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
