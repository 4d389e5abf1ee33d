/** Prerequisites: other updates (name + minimum version) a device must run before it may take an update. */
import type { Prerequisite } from './manifest';
import { compareSemver, isSemver } from '../semver';

/**
 * The prerequisites a device does not meet, given the versions it reports per update name. The device makes the same
 * check on its own installed list (checkPrerequisites in device-agent/verify-update.ts), with the same precedence;
 * this copy differs in what it reads: versions a device reported, which may be absent or not semver (then missing).
 */
export function missingPrerequisites(software: Readonly<Record<string, string>>, prerequisites: readonly Prerequisite[]): Prerequisite[] {
  return prerequisites.filter((p) => {
    const installed = software[p.name];
    return installed === undefined || !isSemver(installed) || compareSemver(installed, p.minVersion) < 0;
  });
}

export function describePrerequisite(p: Prerequisite): string {
  return `${p.name} ≥ ${p.minVersion}`;
}
