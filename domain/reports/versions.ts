/** How reports read and order the versions devices run. */
import type { DeviceSummary } from '../fleet/device';
import { compareSemver, isSemver } from '../semver';

/**
 * The version of `updateName` a device runs: the component of that name in `software`, else the main firmware.
 * The same convention the fleet uses when it installs an update of that name.
 */
export function versionRunning(device: Pick<DeviceSummary, 'installedVersion' | 'software'>, updateName: string): string {
  const software = device.software ?? {};
  return Object.hasOwn(software, updateName) ? (software[updateName] as string) : device.installedVersion;
}

/**
 * Whether a device running `version` still lacks `target`. Versions that are not semantic cannot be ordered, so
 * anything but the target itself counts as older: for exposure, the cautious answer.
 */
export function isOlder(version: string, target: string): boolean {
  if (isSemver(version) && isSemver(target)) return compareSemver(version, target) < 0;
  return version !== target;
}

/** Newest first: semantic versions by precedence, then any others by text. */
export function newestFirst(a: string, b: string): number {
  const [sa, sb] = [isSemver(a), isSemver(b)];
  if (sa && sb) return compareSemver(b, a) || (a < b ? -1 : a > b ? 1 : 0);
  if (sa !== sb) return sa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
