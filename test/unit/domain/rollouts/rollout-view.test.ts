import { emptyCounts, type DeviceStateCounts, type RolloutRecord, type WaveRecord } from '../../../../domain/rollouts/rollout-record';
import type { DeviceRolloutState } from '../../../../domain/rollouts/rollout-status';
import { countDevices, toRolloutView, type RolloutCountsView, type WaveView } from '../../../../domain/rollouts/rollout-view';

const counts = (some: Partial<DeviceStateCounts>): DeviceStateCounts => ({ ...emptyCounts(), ...some });

function wave(index: number, deviceCount: number, some: Partial<DeviceStateCounts>, status: WaveRecord['status'] = 'Soaking'): WaveRecord {
  return { index, kind: index === 0 ? 'canary' : 'wave', status, deviceCount, soakMs: 3_600_000, batches: [], counts: counts(some) };
}

function rollout(waves: WaveRecord[], targetedCount = waves.reduce((n, w) => n + w.deviceCount, 0)): RolloutRecord {
  return {
    id: 'r-1',
    spec: {
      updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
      target: { query: "tags.site = 'plant-a'" },
      canary: { devices: 10 },
      canarySoakMs: 1_800_000,
      waves: [{ percent: 100, soakMs: 3_600_000 }],
      healthCheckIntervalMs: 60_000,
      deviceTimeoutMs: 1_800_000,
      failureThreshold: { percent: 5, minDevices: 10 },
    },
    status: 'InProgress',
    reason: 'wave 1 soaking',
    createdBy: 'ops@contoso.com',
    createdAt: '2025-06-01T10:00:00.000Z',
    updatedAt: '2025-06-01T11:00:00.000Z',
    currentWave: 1,
    waves,
    approvals: [{ approver: 'lead@contoso.com', decision: 'approve', at: '2025-06-01T10:05:00.000Z' }],
    targetedCount,
  };
}

describe('toRolloutView', () => {
  it.each<[string, RolloutRecord, RolloutCountsView, Pick<WaveView, 'succeeded' | 'failed' | 'pending' | 'rolledBack'>[]]>([
    ['before planning: only the target is known', rollout([], 0), { targeted: 0, dispatched: 0, succeeded: 0, failed: 0, pending: 0, rolledBack: 0 }, []],
    ['canary done, wave 1 half sent',
      rollout([wave(0, 10, { succeeded: 10 }, 'Promoted'), wave(1, 90, { pending: 45, dispatched: 40, succeeded: 4, failed: 1 }, 'Dispatching')]),
      { targeted: 100, dispatched: 55, succeeded: 14, failed: 1, pending: 85, rolledBack: 0 },
      [{ succeeded: 10, failed: 0, pending: 0, rolledBack: 0 }, { succeeded: 4, failed: 1, pending: 85, rolledBack: 0 }]],
    ['unhealthy and silent devices count as failed',
      rollout([wave(0, 10, { succeeded: 7, failed: 1, unhealthy: 1, silent: 1 })]),
      { targeted: 10, dispatched: 10, succeeded: 7, failed: 3, pending: 0, rolledBack: 0 },
      [{ succeeded: 7, failed: 3, pending: 0, rolledBack: 0 }]],
    ['rolled back devices still count as dispatched',
      rollout([wave(0, 10, { restored: 10 }, 'RolledBack'), wave(1, 90, { restored: 30, pending: 60 }, 'RolledBack')]),
      { targeted: 100, dispatched: 40, succeeded: 0, failed: 0, pending: 60, rolledBack: 40 },
      [{ succeeded: 0, failed: 0, pending: 0, rolledBack: 10 }, { succeeded: 0, failed: 0, pending: 60, rolledBack: 30 }]],
    ['a planned wave whose counts are not filled yet shows its devices as pending',
      rollout([wave(0, 10, { succeeded: 10 }, 'Promoted'), wave(1, 90, {}, 'NotStarted')]),
      { targeted: 100, dispatched: 10, succeeded: 10, failed: 0, pending: 90, rolledBack: 0 },
      [{ succeeded: 10, failed: 0, pending: 0, rolledBack: 0 }, { succeeded: 0, failed: 0, pending: 90, rolledBack: 0 }]],
  ])('%s', (_, record, expectedCounts, expectedWaves) => {
    const view = toRolloutView(record);
    expect(view.counts).toEqual(expectedCounts);
    expect(view.waves.map(({ succeeded, failed, pending, rolledBack }) => ({ succeeded, failed, pending, rolledBack }))).toEqual(expectedWaves);
  });

  it('carries the rollout identity, status, reason, update and approvals', () => {
    const record = rollout([wave(0, 10, { succeeded: 10 }, 'Promoted')]);
    const view = toRolloutView(record);
    expect(view).toMatchObject({
      id: 'r-1', status: 'InProgress', reason: 'wave 1 soaking', currentWave: 1, createdBy: 'ops@contoso.com',
      createdAt: record.createdAt, updatedAt: record.updatedAt, updateId: record.spec.updateId, approvals: record.approvals,
    });
    expect(view.waves[0]).toMatchObject({ index: 0, kind: 'canary', status: 'Promoted', deviceCount: 10 });
  });

  it('shows the reason code next to the reason, and none before the orchestration recorded one', () => {
    const record = { ...rollout([]), status: 'Failed' as const, reason: 'planRollout failed after 4 attempts: Cosmos DB answered 503', reasonCode: 'activity-failed' as const };
    expect(toRolloutView(record)).toMatchObject({ status: 'Failed', reasonCode: 'activity-failed', reason: record.reason });
    expect(toRolloutView(rollout([]))).not.toHaveProperty('reasonCode');
  });
});

describe('countDevices', () => {
  it.each<[string, DeviceRolloutState[], Partial<DeviceStateCounts>]>([
    ['no devices', [], {}],
    ['a freshly planned batch', ['pending', 'pending', 'pending'], { pending: 3 }],
    ['a mixed batch', ['succeeded', 'succeeded', 'failed', 'silent', 'dispatched', 'unhealthy', 'restored'], { succeeded: 2, failed: 1, silent: 1, dispatched: 1, unhealthy: 1, restored: 1 }],
  ])('%s', (_, states, expected) => {
    expect(countDevices(states.map((state) => ({ state })))).toEqual(counts(expected));
  });
});
