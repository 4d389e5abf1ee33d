/** Small profiles for the simulated fleet tests. */
import { parseFleetProfile, type FleetProfile } from '../../../../adapters/simulated-fleet/fleet-profile';
import type { DesiredVersion } from '../../../../domain/fleet/fleet-port';

export const t0 = '2030-01-01T00:00:00.000Z';

export function after(ms: number, from = t0): string {
  return new Date(Date.parse(from) + ms).toISOString();
}

/** 10 ctl-a devices (a-0…a-9) and 10 ctl-b devices (b-0…b-9) on plant-a, all on 1.0.0. */
export function twoModelProfile(behaviors: unknown[] = [], seed?: string): FleetProfile {
  return parseFleetProfile({
    devices: [
      { count: 10, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
      { count: 10, idPrefix: 'b-', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '1.0.0' },
    ],
    behaviors,
    ...(seed === undefined ? {} : { seed }),
  });
}

export function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

export function commands(deviceIds: readonly string[], desired: Partial<DesiredVersion> = {}): { deviceId: string; desired: DesiredVersion }[] {
  const full: DesiredVersion = { commandId: 'cmd-1', rolloutId: 'r-1', updateName: 'line-controller', version: '2.0.0', kind: 'install', ...desired };
  return deviceIds.map((deviceId) => ({ deviceId, desired: full }));
}
