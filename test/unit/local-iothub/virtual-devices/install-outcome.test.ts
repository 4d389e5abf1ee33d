/** Outcomes are drawn from a stable hash of seed, device and version: the same in every process and on every run. */
import { parseFleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import { behaviorFor, installOutcome } from '../../../../local-iothub/virtual-devices/install-outcome';

describe('installOutcome', () => {
  const profile = parseFleetProfile({
    devices: [{ count: 1, idPrefix: 'd-', installedVersion: '1.0.0' }],
    behaviors: [
      { when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1, installTime: 'PT1M' },
      { when: { site: 'plant-a' }, offlineRate: 1, unhealthyRate: 1 },
    ],
    seed: 's',
  });

  it('takes the first behavior whose `when` matches model, site and version', () => {
    expect(behaviorFor(profile.behaviors, { model: 'ctl-b', site: 'plant-a' }, '2.0.0')).toBe(profile.behaviors[0]);
    expect(behaviorFor(profile.behaviors, { model: 'ctl-b', site: 'plant-a' }, '2.1.0')).toBe(profile.behaviors[1]);
    expect(behaviorFor(profile.behaviors, { model: 'ctl-b', site: 'plant-b' }, '2.1.0')).toBeUndefined();
  });

  it('draws each rate, with the behavior’s install time; without a behavior, succeeds in 0.5 s', () => {
    expect(installOutcome(profile, 'd-0', { model: 'ctl-b' }, '2.0.0')).toEqual({ offline: false, failed: true, unhealthy: false, installTimeMs: 60_000 });
    expect(installOutcome(profile, 'd-0', { site: 'plant-a' }, '2.0.0')).toEqual({ offline: true, failed: false, unhealthy: true, installTimeMs: 500 });
    expect(installOutcome(profile, 'd-0', {}, '2.0.0')).toEqual({ offline: false, failed: false, unhealthy: false, installTimeMs: 500 });
  });
});
