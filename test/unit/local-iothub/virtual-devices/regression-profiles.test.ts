/**
 * The canary-analysis demo fleets (fleet-profiles/regression.json, no-regression.json) on a hub with a fake clock:
 * every install of 2.0.0 succeeds and every device stays healthy, yet in `regression.json` the updated devices'
 * cycle times are 30 % above those of the devices still on 1.0.0 at the same sites and times, and back to equal
 * after a restore; in `no-regression.json` they are equal throughout.
 */
import type { TelemetryMessage } from '../../../../local-iothub/hub-state';
import {
  deviceIdOf,
  loadFleetProfile,
  noRegressionProfilePath,
  regressionProfilePath,
  type FleetProfile,
} from '../../../../local-iothub/virtual-devices/fleet-profile';
import { send, startHub, states, stopAll, type Hub } from './hub-fixture';

afterEach(stopAll);

interface Health { version: string; healthy: boolean; metrics: { restarts: number; cycleTimeMs: number; cpuPercent: number; errorRate: number } }

const minute = 60_000;

function allIds(profile: FleetProfile): string[] {
  return profile.devices.flatMap((group) => Array.from({ length: group.count }, (_, i) => deviceIdOf(group, i)));
}

/** Half of every group (even indexes), so both cohorts have the same sites and models. */
function everyOther(profile: FleetProfile): { updated: string[]; baseline: string[] } {
  const ids = allIds(profile);
  return { updated: ids.filter((id) => Number(/\d+$/.exec(id)![0]) % 2 === 0), baseline: ids.filter((id) => Number(/\d+$/.exec(id)![0]) % 2 === 1) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs the hub for `minutes` and returns the health messages sent meanwhile. */
function collect(hub: Hub, minutes: number): Map<string, Health[]> {
  const messages: TelemetryMessage[] = [];
  const unsubscribe = hub.state.onTelemetry((m) => messages.push(m));
  for (let i = 0; i < minutes; i++) {
    hub.clock.advance(minute);
    hub.fleet.tick();
  }
  unsubscribe();
  const byDevice = new Map<string, Health[]>();
  for (const m of messages) {
    const list = byDevice.get(m.deviceId) ?? [];
    list.push(JSON.parse(m.body.toString('utf8')) as Health);
    byDevice.set(m.deviceId, list);
  }
  return byDevice;
}

/** Median cycle time of the updated cohort over that of the baseline, from the same minutes. */
function cycleTimeRatio(byDevice: Map<string, Health[]>, updated: string[], baseline: string[]): number {
  const cycleTimes = (ids: string[]) => ids.flatMap((id) => (byDevice.get(id) ?? []).map((h) => h.metrics.cycleTimeMs));
  return median(cycleTimes(updated)) / median(cycleTimes(baseline));
}

/** Installs 2.0.0 on half the fleet; returns the health messages of the 10 minutes after it, and the cohorts. */
function updateHalf(profile: FleetProfile) {
  const hub = startHub(profile);
  const cohorts = everyOther(profile);
  const before = collect(hub, 10);
  send(hub.state, cohorts.updated, { id: 'cmd-1' });
  hub.clock.advance(1000);
  expect(new Set(states(hub.state, cohorts.updated))).toEqual(new Set(['succeeded']));
  const after = collect(hub, 10);
  return { hub, cohorts, before, after };
}

describe('fleet-profiles/regression.json and no-regression.json', () => {
  it.each([['regression.json', regressionProfilePath], ['no-regression.json', noRegressionProfilePath]])('%s: 300 devices on 1.0.0, 3 sites × 2 models × 50, health every minute, no failing installs', (_name, path) => {
    const profile = loadFleetProfile(path);
    expect(allIds(profile)).toHaveLength(300);
    expect(profile.devices.map((g) => `${g.idPrefix}0…${g.count - 1}`)).toEqual([
      'plant-a-ctl-a-0…49', 'plant-a-ctl-b-0…49', 'plant-b-ctl-a-0…49', 'plant-b-ctl-b-0…49', 'plant-c-ctl-a-0…49', 'plant-c-ctl-b-0…49',
    ]);
    expect(profile.devices.every((g) => g.installedVersion === '1.0.0' && g.updateName === 'line-controller')).toBe(true);
    expect(profile.behaviors).toEqual([]);
    expect(profile.healthTelemetry).toEqual({ intervalMs: minute });
  });

  it('differ only in the median cycle time of 2.0.0: 30 % above 1.0.0’s, or equal to it', () => {
    const slow = loadFleetProfile(regressionProfilePath);
    const same = loadFleetProfile(noRegressionProfilePath);
    expect({ ...slow, metrics: [] }).toEqual({ ...same, metrics: [] });
    for (const model of ['ctl-a', 'ctl-b']) {
      const rule = (profile: FleetProfile, version: string | undefined) => profile.metrics.find((r) => r.when.model === model && r.when.version === version);
      const old = rule(slow, undefined)!;
      expect(rule(same, undefined)).toEqual(old);
      expect(rule(slow, '2.0.0')).toEqual({ ...old, when: { model, version: '2.0.0' }, cycleTimeMs: { ...old.cycleTimeMs!, median: old.cycleTimeMs!.median * 1.3 } });
      expect(rule(same, '2.0.0')).toEqual({ ...old, when: { model, version: '2.0.0' } });
    }
  });
});

describe('health messages follow the version a device runs now', () => {
  // 150 devices per cohort over 10 minutes: the cohort medians' ratio varies by about 1 % (device offsets);
  // the ±4 % tolerance is several times that and far from the 30 % a regression shows.
  it('regression.json: after installing 2.0.0, cycle times 30 % above the 1.0.0 devices’; after a restore, equal again; all healthy', () => {
    const { hub, cohorts, before, after } = updateHalf(loadFleetProfile(regressionProfilePath));
    expect(cycleTimeRatio(before, cohorts.updated, cohorts.baseline)).toBeGreaterThan(0.96);
    expect(cycleTimeRatio(before, cohorts.updated, cohorts.baseline)).toBeLessThan(1.04);

    for (const id of cohorts.updated) for (const health of after.get(id)!) expect(health).toMatchObject({ version: '2.0.0', healthy: true, metrics: { restarts: 0 } });
    for (const id of cohorts.baseline) for (const health of after.get(id)!) expect(health).toMatchObject({ version: '1.0.0', healthy: true, metrics: { restarts: 0 } });
    expect(cycleTimeRatio(after, cohorts.updated, cohorts.baseline)).toBeGreaterThan(1.26);
    expect(cycleTimeRatio(after, cohorts.updated, cohorts.baseline)).toBeLessThan(1.34);

    // Only cycle time regressed: CPU and error rate of the two cohorts stay alike.
    const medianOf = (ids: string[], metric: 'cpuPercent' | 'errorRate') => median(ids.flatMap((id) => after.get(id)!.map((h) => h.metrics[metric])));
    expect(medianOf(cohorts.updated, 'cpuPercent') / medianOf(cohorts.baseline, 'cpuPercent')).toBeCloseTo(1, 1);
    expect(medianOf(cohorts.updated, 'errorRate') / medianOf(cohorts.baseline, 'errorRate')).toBeCloseTo(1, 1);

    send(hub.state, cohorts.updated, { id: 'cmd-2', kind: 'restore', update: { name: 'line-controller', version: '1.0.0' } });
    hub.clock.advance(1000);
    expect(new Set(states(hub.state, cohorts.updated))).toEqual(new Set(['succeeded']));
    const restored = collect(hub, 10);
    for (const id of cohorts.updated) for (const health of restored.get(id)!) expect(health.version).toBe('1.0.0');
    expect(cycleTimeRatio(restored, cohorts.updated, cohorts.baseline)).toBeGreaterThan(0.96);
    expect(cycleTimeRatio(restored, cohorts.updated, cohorts.baseline)).toBeLessThan(1.04);
  });

  it('no-regression.json: after installing 2.0.0, cycle times equal to the 1.0.0 devices’ (±4 %), all healthy', () => {
    const { cohorts, after } = updateHalf(loadFleetProfile(noRegressionProfilePath));
    for (const id of cohorts.updated) for (const health of after.get(id)!) expect(health).toMatchObject({ version: '2.0.0', healthy: true });
    expect(cycleTimeRatio(after, cohorts.updated, cohorts.baseline)).toBeGreaterThan(0.96);
    expect(cycleTimeRatio(after, cohorts.updated, cohorts.baseline)).toBeLessThan(1.04);
  });
});
