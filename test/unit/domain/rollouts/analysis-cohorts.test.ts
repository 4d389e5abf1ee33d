import { planCohorts, type CohortInput } from '../../../../domain/rollouts/analysis-cohorts';
import type { BatchDevice, BatchRecord } from '../../../../domain/rollouts/rollout-record';
import type { DeviceRolloutState } from '../../../../domain/rollouts/rollout-status';

const t = (minute: number) => new Date(Date.UTC(2026, 0, 10, 10, minute)).toISOString();
const device = (deviceId: string, site: string, model: string, state: DeviceRolloutState): BatchDevice => ({ deviceId, fromVersion: '1.0.0', site, model, state, updatedAt: t(0) });
const batch = (wave: number, devices: BatchDevice[], dispatchedAt?: string): BatchRecord => ({ id: `ro-1:w${wave}:b0`, rolloutId: 'ro-1', wave, index: 0, site: undefined, devices, ...(dispatchedAt ? { dispatchedAt } : {}) });

const canary = batch(0, [device('a-1', 'plant-a', 'ctl-a', 'succeeded'), device('a-2', 'plant-a', 'ctl-a', 'failed'), device('b-1', 'plant-b', 'ctl-b', 'succeeded')], t(5));
const wave1 = batch(1, [device('a-3', 'plant-a', 'ctl-a', 'pending'), device('a-4', 'plant-a', 'ctl-b', 'pending'), device('b-2', 'plant-b', 'ctl-b', 'pending'), device('c-1', 'plant-c', 'ctl-a', 'pending')]);
const input: CohortInput = { rolloutId: 'ro-1', targetVersion: '2.0.0', wave: [canary], later: [wave1], previousWaveStartedAt: undefined, now: t(35), maxPerCohort: 500 };

describe('planCohorts', () => {
  it('compares the updated devices with waiting devices of the same sites and models, over the same window', () => {
    const plan = planCohorts(input)!;
    expect(plan.baselineKind).toBe('concurrent');
    expect(plan.updated.deviceIds.sort()).toEqual(['a-1', 'b-1']);
    expect(plan.baseline.deviceIds.sort()).toEqual(['a-3', 'b-2']);
    expect(plan.updated.window).toEqual({ from: t(5), to: t(35), version: { is: '2.0.0' } });
    expect(plan.baseline.window).toEqual({ from: t(5), to: t(35), version: { isNot: '2.0.0' } });
  });

  it('has nothing to compare before the wave is sent', () => {
    expect(planCohorts({ ...input, wave: [batch(0, canary.devices)] })).toBeUndefined();
  });

  it('judges the last wave against its own devices in the window the wave before was judged in', () => {
    const last = batch(1, wave1.devices.map((d) => ({ ...d, state: 'succeeded' as const })), t(60));
    const plan = planCohorts({ ...input, wave: [last], later: [], previousWaveStartedAt: t(5), now: t(90) })!;
    expect(plan.baselineKind).toBe('previous-window');
    expect(plan.baseline.deviceIds.sort()).toEqual(['a-3', 'a-4', 'b-2', 'c-1']);
    expect(plan.baseline.window).toEqual({ from: t(5), to: t(60), version: { isNot: '2.0.0' } });
    expect(plan.updated.window).toEqual({ from: t(60), to: t(90), version: { is: '2.0.0' } });
  });

  it('caps each cohort with the same fair sample on every check', () => {
    const many = batch(1, Array.from({ length: 50 }, (_, i) => device(`a-w${i}`, 'plant-a', 'ctl-a', 'pending')));
    const first = planCohorts({ ...input, later: [many], maxPerCohort: 10 })!;
    expect(first.baseline.deviceIds).toHaveLength(10);
    expect(planCohorts({ ...input, later: [many], maxPerCohort: 10 })!.baseline.deviceIds).toEqual(first.baseline.deviceIds);
    // Not simply the first ten ids.
    expect(first.baseline.deviceIds).not.toEqual(many.devices.slice(0, 10).map((d) => d.deviceId));
  });
});
