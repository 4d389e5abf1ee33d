import type { DeviceSummary } from '../../../../domain/fleet/device';
import type { BatchDevice } from '../../../../domain/rollouts/rollout-record';
import type { DeviceRolloutState } from '../../../../domain/rollouts/rollout-status';
import { exposureOf, latestPerName } from '../../../../domain/reports/compliance';
import { ExposureTally, LatestPerName } from '../../../../domain/reports/compliance-tally';
import type { Update } from '../../../../domain/updates/update';

const t = (minutes: number) => new Date(Date.UTC(2025, 5, 1, 0, minutes)).toISOString();
const update = (name: string, version: string, createdAt = t(0)): Update => ({
  updateId: { provider: 'contoso', name, version }, compatibility: [{ model: 'ctl-a' }], files: [], createdAt,
});
const sent = (deviceId: string, state: DeviceRolloutState, updatedAt: string, fromVersion = '1.0.0'): BatchDevice =>
  ({ deviceId, fromVersion, site: undefined, state, updatedAt });

/** 300 devices: a third exposed, a third updated by a rollout, some incompatible, some that shipped with 2.0.0. */
const lc2 = update('lc', '2.0.0');
const fleet: DeviceSummary[] = Array.from({ length: 300 }, (_, i) => ({
  deviceId: `d-${i}`, tags: { model: i % 10 === 9 ? 'ctl-b' : 'ctl-a' }, installedVersion: i % 3 === 0 ? '1.0.0' : '2.0.0',
}));
/** Two rollouts; devices 1 mod 3 appear in both (the first failed some, the second confirmed them later). */
const rollouts = [
  { id: 'ro-1', devices: fleet.filter((_, i) => i % 3 === 1).map((d, k) => sent(d.deviceId, k % 4 === 0 ? 'failed' : 'succeeded', t(k + 10))) },
  { id: 'ro-2', devices: fleet.filter((_, i) => i % 3 !== 2).map((d, k) => sent(d.deviceId, k % 5 === 0 ? 'dispatched' : 'succeeded', t(k + 200))) },
];

function folded(pageSize: number, listLimit: number) {
  const tally = new ExposureTally(lc2, listLimit);
  for (const rollout of rollouts) {
    for (let start = 0; start < rollout.devices.length; start += pageSize) tally.addRolloutDevices(rollout.devices.slice(start, start + pageSize));
  }
  for (let start = 0; start < fleet.length; start += pageSize) tally.addFleetDevices(fleet.slice(start, start + pageSize));
  return tally.result(rollouts.map((r) => r.id));
}

describe('ExposureTally', () => {
  it.each([1, 13, 300])('pages of %i give the same exposure as the whole fleet and every batch at once', (pageSize) => {
    const whole = exposureOf({ update: lc2, devices: fleet, rollouts, listLimit: 20 });
    expect(folded(pageSize, 20)).toEqual(whole);
    expect(whole.eligible).toBeGreaterThan(whole.exposed.count);
    expect(whole.updated).toBeGreaterThan(0);
  });

  it('caps the exposed list at the limit while counting every exposed device', () => {
    const exposure = folded(50, 5);
    expect(exposure.exposed.deviceIds).toEqual(['d-0', 'd-3', 'd-6', 'd-12', 'd-15']); // d-9 is a ctl-b: incompatible
    expect(exposure.exposed.capped).toBe(true);
    expect(exposure.exposed.count).toBe(fleet.filter((d, i) => i % 3 === 0 && d.tags.model === 'ctl-a').length);
  });

  it('groups exposed devices by compatibility set and running version, pointing to the device list of each', () => {
    const update: Update = { ...lc2, compatibility: [{ model: 'ctl-a' }, { model: 'ctl-c', ring: 'early' }] };
    const tally = new ExposureTally(update, 10);
    tally.addFleetDevices([
      { deviceId: 'a-1', tags: { model: 'ctl-a' }, installedVersion: '1.0.0' },
      { deviceId: 'a-2', tags: { model: 'ctl-a' }, installedVersion: '1.5.0' },
      { deviceId: 'a-3', tags: { model: 'ctl-a' }, installedVersion: '1.0.0' },
      { deviceId: 'a-4', tags: { model: 'ctl-a' }, installedVersion: '9.0.0', software: { lc: '1.5.0' } }, // lc as a component
      { deviceId: 'c-1', tags: { model: 'ctl-c', ring: 'early' }, installedVersion: '1.0.0' },
    ]);
    expect(tally.result([]).exposedGroups).toEqual([
      { compatibility: { model: 'ctl-a' }, version: '1.5.0', devices: 2, list: null }, // one runs it as a component: not the list's version filter
      { compatibility: { model: 'ctl-a' }, version: '1.0.0', devices: 2, list: '/api/devices?model=ctl-a&version=1.0.0' },
      { compatibility: { model: 'ctl-c', ring: 'early' }, version: '1.0.0', devices: 1, list: null }, // the list cannot filter by ring
    ]);
  });

  it('refuses rollout devices once the fleet pass began: they could no longer be matched', () => {
    const tally = new ExposureTally(lc2, 5);
    tally.addFleetDevices(fleet.slice(0, 1));
    expect(() => tally.addRolloutDevices(rollouts[0]!.devices)).toThrow('before the fleet');
  });
});

describe('LatestPerName', () => {
  const updates = [update('lc', '1.0.0'), update('boot', '3.0.0'), update('lc', '2.1.0'), update('lc', '2.0.0'), update('boot', '10.0.0'), update('x', 'beta', t(5)), update('x', 'alpha', t(9))];

  it.each([1, 2, 7])('pages of %i keep the same latest versions as the whole list', (pageSize) => {
    const latest = new LatestPerName();
    for (let start = 0; start < updates.length; start += pageSize) latest.add(updates.slice(start, start + pageSize));
    expect(latest.list()).toEqual(latestPerName(updates));
    expect(latest.list().map((u) => `${u.updateId.name} ${u.updateId.version}`)).toEqual(['boot 10.0.0', 'lc 2.1.0', 'x alpha']);
  });
});
