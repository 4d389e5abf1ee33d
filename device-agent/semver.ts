/**
 * Semantic Versioning 2.0 precedence for `x.y.z[-pre][+build]`, small enough to ship to devices: enough to refuse
 * a downgrade and to check a prerequisite's minimum version.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

const pattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

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
  return left.major - right.major || left.minor - right.minor || left.patch - right.patch || comparePrerelease(left.prerelease, right.prerelease);
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
  // Without leading zeros (the pattern forbids them) the longer number is the larger; no precision limit.
  if (numericA && numericB) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  // Numeric identifiers rank below alphanumeric ones.
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
