/**
 * How one virtual device fares installing one version: decided by the profile's first matching behavior and three
 * draws from a stable hash. Keyed by device and version (not by command), so a device that fails 2.0.0 fails it
 * again on a retry or in another rollout, as a real incompatibility would, and a restarted hub decides the same.
 */
import { parseIsoDuration } from '../../common/iso-duration';
import { defaultInstallTime, type Behavior, type FleetProfile } from './fleet-profile';
import { unitInterval } from '../../common/stable-hash';
import { firstMatching, type Tags } from './version-rules';

export interface InstallOutcome {
  /** The device reports that it accepted the command, then goes silent for good. */
  offline: boolean;
  failed: boolean;
  /** Reports itself unhealthy after a successful install. */
  unhealthy: boolean;
  installTimeMs: number;
}

const defaultOutcome: InstallOutcome = Object.freeze({ offline: false, failed: false, unhealthy: false, installTimeMs: parseIsoDuration(defaultInstallTime) });

export function behaviorFor(behaviors: readonly Behavior[], tags: Tags, version: string): Behavior | undefined {
  return firstMatching(behaviors, tags, version);
}

export function installOutcome(profile: Pick<FleetProfile, 'behaviors' | 'seed'>, deviceId: string, tags: Tags, version: string): InstallOutcome {
  const behavior = behaviorFor(profile.behaviors, tags, version);
  if (!behavior) return defaultOutcome;
  const key = `${profile.seed}:${deviceId}:${version}`;
  return {
    offline: unitInterval(`${key}:offline`) < behavior.offlineRate,
    failed: unitInterval(`${key}:install`) < behavior.installFailureRate,
    unhealthy: unitInterval(`${key}:health`) < behavior.unhealthyRate,
    installTimeMs: behavior.installTimeMs,
  };
}
