/**
 * How one simulated device fares installing one version: decided by the profile's first matching behavior and
 * three draws from a stable hash. Keyed by device and version (not by command), so a device that fails 2.0.0
 * fails it again on a retry or in another rollout, as a real incompatibility would.
 */
import { defaultInstallTime, type Behavior, type FleetProfile } from './fleet-profile';
import { durationToMs } from '../../domain/duration';
import { unitInterval } from '../../domain/hash';

export interface InstallOutcome {
  /** The device goes silent after accepting the command and never reports again. */
  offline: boolean;
  failed: boolean;
  /** Reports itself unhealthy after a successful install. */
  unhealthy: boolean;
  installTimeMs: number;
}

const defaultInstallTimeMs = durationToMs(defaultInstallTime);

export function behaviorFor(behaviors: readonly Behavior[], tags: Readonly<Record<string, string>>, version: string): Behavior | undefined {
  return behaviors.find(
    ({ when }) =>
      (when.model === undefined || when.model === tags.model) &&
      (when.site === undefined || when.site === tags.site) &&
      (when.version === undefined || when.version === version),
  );
}

export function installOutcome(
  profile: Pick<FleetProfile, 'behaviors' | 'seed'>,
  deviceId: string,
  tags: Readonly<Record<string, string>>,
  version: string,
): InstallOutcome {
  const behavior = behaviorFor(profile.behaviors, tags, version);
  if (!behavior) return { offline: false, failed: false, unhealthy: false, installTimeMs: defaultInstallTimeMs };
  const key = `${profile.seed}:${deviceId}:${version}`;
  return {
    offline: unitInterval(`${key}:offline`) < behavior.offlineRate,
    failed: unitInterval(`${key}:install`) < behavior.installFailureRate,
    unhealthy: unitInterval(`${key}:health`) < behavior.unhealthyRate,
    installTimeMs: behavior.installTimeMs,
  };
}
