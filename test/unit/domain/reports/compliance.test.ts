import type { DeviceSummary } from '../../../../domain/fleet/device';
import type { BatchDevice } from '../../../../domain/rollouts/rollout-record';
import type { DeviceRolloutState } from '../../../../domain/rollouts/rollout-status';
import { complianceDocument, buildComplianceReport, exposureOf, latestPerName, reachedMilestones } from '../../../../domain/reports/compliance';
import type { Update } from '../../../../domain/updates/update';

const t = (hhmm: string) => `2025-06-01T${hhmm}:00.000Z`;
const update = (name: string, version: string, createdAt = t('00:00'), importedAt?: string): Update => ({
  updateId: { provider: 'contoso', name, version }, compatibility: [{ model: 'ctl-a' }], files: [], createdAt,
  ...(importedAt ? { manifest: { provenance: { importedAt } } as Update['manifest'] } : {}),
});
const device = (deviceId: string, installedVersion: string, model = 'ctl-a', software?: Record<string, string>): DeviceSummary =>
  ({ deviceId, tags: { model }, installedVersion, ...(software ? { software } : {}) });
const sent = (deviceId: string, state: DeviceRolloutState, updatedAt: string, fromVersion = '1.0.0'): BatchDevice =>
  ({ deviceId, fromVersion, site: undefined, state, updatedAt });

describe('latestPerName', () => {
  it('keeps the newest version of each provider/name, sorted by name', () => {
    const updates = [update('lc', '1.9.0'), update('lc', '1.10.0'), update('boot', '2.0.0-rc.1'), update('boot', '2.0.0'), update('lc', '1.10.0-rc.2')];
    expect(latestPerName(updates).map((u) => `${u.updateId.name} ${u.updateId.version}`)).toEqual(['boot 2.0.0', 'lc 1.10.0']);
  });

  it('orders versions that are not semantic by registration time, below semantic ones', () => {
    const updates = [update('fw', 'build-b', t('01:00')), update('fw', 'build-a', t('02:00'))];
    expect(latestPerName(updates)[0]!.updateId.version).toBe('build-a');
    expect(latestPerName([update('fw', 'build-z', t('03:00')), update('fw', '1.0.0')])[0]!.updateId.version).toBe('1.0.0');
  });
});

describe('reachedMilestones', () => {
  const times = (n: number) => Array.from({ length: n }, (_, i) => t(`01:${String(i).padStart(2, '0')}`));
  it.each<[string, number, string[], [number, string | null, string | null][]]>([
    ['20 eligible, all updated: 95 % is the 19th', 20, times(20), [[19, t('01:18'), 'PT1H18M'], [20, t('01:19'), 'PT1H19M']]],
    ['20 eligible, 19 updated: 100 % not reached', 20, times(19), [[19, t('01:18'), 'PT1H18M'], [20, null, null]]],
    ['60 eligible: 95 % needs 57, exactly', 60, times(57), [[57, t('01:56'), 'PT1H56M'], [60, null, null]]],
    ['3 eligible: 95 % rounds up to all of them', 3, times(2), [[3, null, null], [3, null, null]]],
    ['nothing updated yet', 10, [], [[10, null, null], [10, null, null]]],
    ['no eligible devices: nothing to reach', 0, [], [[0, null, null], [0, null, null]]],
  ])('%s', (_, eligible, confirmations, expected) => {
    const shuffled = [...confirmations].reverse(); // order of confirmations must not matter
    expect(reachedMilestones(t('00:00'), eligible, shuffled).map((m) => [m.devicesNeeded, m.reachedAt, m.after])).toEqual(expected);
  });
});

describe('exposureOf', () => {
  const lc2 = update('lc', '2.0.0', t('00:00'), t('00:10'));
  const fleet = [
    device('a-1', '2.0.0'), // updated by rollout, confirmed 01:00
    device('a-2', '2.0.0'), // updated by rollout, confirmed 02:00
    device('a-3', '1.0.0'), // exposed: its install failed
    device('a-4', '1.0.0'), // exposed: never targeted
    device('a-5', '2.0.0'), // shipped with 2.0.0: never exposed, not eligible
    device('a-6', '2.0.0'), // installed, not yet confirmed by a health check
    device('a-7', '1.0.0'), // rolled back: restored, exposed again
    device('b-1', '1.0.0', 'ctl-b'), // incompatible: not eligible
  ];
  const rollouts = [
    { id: 'ro-1', devices: [sent('a-1', 'succeeded', t('01:00')), sent('a-3', 'failed', t('01:00')), sent('a-7', 'restored', t('01:30'))] },
    { id: 'ro-2', devices: [sent('a-2', 'succeeded', t('02:00')), sent('a-6', 'dispatched', t('02:00')), sent('a-1', 'succeeded', t('03:00'))] },
  ];

  it('counts eligible, updated, unconfirmed and exposed devices by the stated rules', () => {
    const exposure = exposureOf({ update: lc2, devices: fleet, rollouts, listLimit: 10 });
    expect(exposure).toMatchObject({
      importedAt: t('00:10'), importedAtSource: 'provenance', rolloutIds: ['ro-1', 'ro-2'],
      eligible: 6, updated: 2, unconfirmed: 1,
      exposed: { count: 3, deviceIds: ['a-3', 'a-4', 'a-7'], capped: false },
      state: 'exposed',
    });
    expect(exposure.milestones.map((m) => m.reachedAt)).toEqual([null, null]);
  });

  it.each<[string, DeviceSummary[], ReturnType<typeof sent>[], object]>([
    ['every eligible device confirmed: 100 % reached, nothing exposed', [device('a-1', '2.0.0'), device('a-2', '2.0.0')],
      [sent('a-1', 'succeeded', t('01:00')), sent('a-2', 'succeeded', t('02:10'))],
      { eligible: 2, updated: 2, exposed: { count: 0, deviceIds: [], capped: false }, state: 'reached100',
        milestones: [{ percent: 95, reachedAt: t('02:10'), afterMs: 7_200_000, after: 'PT2H' }, { percent: 100, reachedAt: t('02:10'), afterMs: 7_200_000, after: 'PT2H' }] }],
    ['a device already on the version when the rollout reached it was never exposed', [device('a-1', '2.0.0')],
      [sent('a-1', 'succeeded', t('01:00'), '2.0.0')], { eligible: 0, updated: 0, state: 'noEligibleDevices' }],
    ['a device on a newer version is not exposed', [device('a-1', '2.1.0')], [], { eligible: 0, exposed: { count: 0 } }],
    ['a device on an unknown (non-semantic) version counts as exposed', [device('a-1', 'custom')], [], { eligible: 1, exposed: { count: 1 } }],
    ['a component update reads the software map, not the firmware', [device('a-1', '9.0.0', 'ctl-a', { lc: '1.0.0' })], [], { exposed: { deviceIds: ['a-1'] } }],
    ['a device that left the fleet is not counted', [], [sent('gone-1', 'succeeded', t('01:00'))], { eligible: 0 }],
  ])('%s', (_, devices, batchDevices, expected) => {
    expect(exposureOf({ update: lc2, devices, rollouts: [{ id: 'ro-1', devices: batchDevices }], listLimit: 10 })).toMatchObject(expected);
  });

  it('caps the listed ids but not the count, in natural order', () => {
    const many = Array.from({ length: 12 }, (_, i) => device(`a-${i}`, '1.0.0'));
    expect(exposureOf({ update: lc2, devices: many, rollouts: [], listLimit: 3 }).exposed).toEqual({ count: 12, deviceIds: ['a-0', 'a-1', 'a-2'], capped: true });
  });

  it('falls back to the registration time for an update registered by hand', () => {
    expect(exposureOf({ update: update('lc', '2.0.0', t('00:05')), devices: [], rollouts: [], listLimit: 3 })).toMatchObject({ importedAt: t('00:05'), importedAtSource: 'registration' });
  });

  it('renders one row per update and one per listed exposed device, noting capped lists', () => {
    const exposure = exposureOf({ update: lc2, devices: fleet, rollouts, listLimit: 2 });
    const doc = complianceDocument(buildComplianceReport({ exposures: [exposure], generatedAt: t('12:00') }));
    expect(doc.tables[0]!.rows).toEqual([expect.objectContaining({ name: 'lc', version: '2.0.0', eligible: 6, updated: 2, exposed: 3, reached100At: null, state: 'exposed' })]);
    expect(doc.tables[1]!.rows.map((r) => r.deviceId)).toEqual(['a-3', 'a-4']);
    expect(doc.tables[1]!.note).toBe('lc 2.0.0: first 2 of 3 listed; the exposedGroups table says where each group is listed in full.');
    expect(doc.tables[2]!.rows).toEqual([{ provider: 'contoso', name: 'lc', version: '2.0.0', compatibility: 'model=ctl-a', running: '1.0.0', devices: 3, list: '/api/devices?model=ctl-a&version=1.0.0' }]);
    expect(doc.notes.join(' ')).toMatch(/latest registered version/);
  });
});
