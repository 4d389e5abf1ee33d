/** Rollout activities are safe to run twice (durable activities are at least once). */
import { createRolloutActivities } from '../../../activities/rollout-activities';
import { InMemoryFleet } from '../../support/in-memory-fleet';
import { FleetUnavailableError } from '../../../domain/fleet/fleet-port';
import type { RolloutRecord } from '../../../domain/rollouts/rollout-record';
import { InMemoryRolloutStore, InMemoryUpdateStore } from '../../support/in-memory-stores';
import { InMemoryHealthStore } from '../../support/in-memory-health';

const t0 = '2026-11-25T10:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

async function setup(unhealthyModels: string[] = [], health?: InMemoryHealthStore) {
  const fleet = new InMemoryFleet([
    { count: 30, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
    { count: 20, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.1.0' },
  ], { installMs: 500, unhealthyModels });
  const rollouts = new InMemoryRolloutStore();
  const updates = new InMemoryUpdateStore();
  const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
  await updates.put({ updateId, compatibility: [{ model: 'ctl-a' }, { model: 'ctl-b' }], files: [], createdAt: t0 });
  const record: RolloutRecord = {
    id: 'ro-1', status: 'Scheduled', reason: '', createdBy: 'ops', createdAt: t0, updatedAt: t0, currentWave: -1, waves: [], approvals: [], targetedCount: 0,
    spec: {
      updateId, target: { query: 'SELECT * FROM devices' }, canary: { devices: 5 }, canarySoakMs: 1_800_000,
      waves: [{ percent: 40, soakMs: 3_600_000 }, { percent: 100, soakMs: 7_200_000 }],
      healthCheckIntervalMs: 60_000, deviceTimeoutMs: 600_000, failureThreshold: { percent: 5, minDevices: 5 },
    },
  };
  await rollouts.create(record);
  return { fleet, rollouts, activities: createRolloutActivities({ rollouts, updates, fleet, ...(health ? { health } : {}) }) };
}

describe('planRollout', () => {
  it('plans canary and waves with their soaks, and a second run keeps the first plan', async () => {
    const { activities, rollouts } = await setup();
    const first = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    expect(first.targetedCount).toBe(50);
    expect(first.waves.map((w) => [w.kind, w.deviceCount, w.soakMs])).toEqual([['canary', 5, 1_800_000], ['wave', 15, 3_600_000], ['wave', 30, 7_200_000]]);
    const batchesBefore = rollouts.batches.size;
    expect(await activities.planRollout({ rolloutId: 'ro-1', at: later(1000) })).toEqual(first);
    expect(rollouts.batches.size).toBe(batchesBefore);
  });
});

describe('dispatchBatch', () => {
  it('sends each device one command, even when the activity runs twice', async () => {
    const { activities, fleet } = await setup();
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    const dispatchCanary = async (at: string) => {
      const results = [];
      for (const batch of plan.waves[0]!.batches) results.push(await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at }));
      return results.reduce((sum, r) => ({ sent: sum.sent + r.sent, alreadyApplied: sum.alreadyApplied + r.alreadyApplied }), { sent: 0, alreadyApplied: 0 });
    };
    expect(await dispatchCanary(t0)).toEqual({ sent: 5, alreadyApplied: 0 });
    expect(await dispatchCanary(later(5))).toEqual({ sent: 0, alreadyApplied: 5 });
    const device = (await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: later(1000) }));
    expect(device.succeeded).toBe(5);
    for (const id of (await fleet.queryDevices({ query: 'SELECT * FROM devices' })).map((d) => d.deviceId)) {
      expect(fleet.commandsReceived(id).length).toBeLessThanOrEqual(1);
    }
  });
});

describe('assessWave, restoreBatch and verifyRestore', () => {
  it('classifies failures, restores each device to the version it had before, and verifies by fresh reports', async () => {
    const { activities, fleet } = await setup(['ctl-b']);
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    for (const wave of plan.waves) for (const batch of wave.batches) await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: t0 });
    const counts = await Promise.all(plan.waves.map((w) => activities.assessWave({ rolloutId: 'ro-1', wave: w.index, at: later(1000) })));
    expect(counts.reduce((n, c) => n + c.unhealthy, 0)).toBe(20);
    expect(counts.reduce((n, c) => n + c.succeeded, 0)).toBe(30);

    for (const wave of [...plan.waves].reverse()) for (const batch of wave.batches) await activities.restoreBatch({ rolloutId: 'ro-1', batchId: batch.id, at: later(2000) });
    expect(await activities.verifyRestore({ rolloutId: 'ro-1', waves: [2, 1, 0], at: later(2100) })).toEqual({ restored: 0, pending: 50 });
    expect(await activities.verifyRestore({ rolloutId: 'ro-1', waves: [2, 1, 0], at: later(3000) })).toEqual({ restored: 50, pending: 0 });
    expect((await fleet.getDevice('a-0'))?.installedVersion).toBe('1.0.0');
    expect((await fleet.getDevice('b-0'))?.installedVersion).toBe('1.1.0');
  });
});

describe('dispatchBatch watches a wave while it is sent', () => {
  it('returns the wave counts once a health check is due since the wave started, and not before', async () => {
    const { activities, rollouts } = await setup(['ctl-b']);
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    const wave = plan.waves[2]!;
    await activities.recordProgress({ rolloutId: 'ro-1', at: t0, wave: { index: wave.index, status: 'Dispatching', startedAt: t0 } });
    const [first, second] = wave.batches;
    const early = await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: first!.id, at: later(1000) });
    expect(early.counts).toBeUndefined();
    // The health check interval is 60 s: a batch sent two minutes after the wave started brings the counts along.
    const due = await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: second!.id, at: later(120_000) });
    expect(due.counts).toBeDefined();
    expect(due.counts!.succeeded + due.counts!.unhealthy).toBe(first!.deviceCount);
    expect((await rollouts.get('ro-1'))!.waves[wave.index]!.assessedAt).toBe(later(120_000));
  });
});

describe('a hub that refuses for now (circuit open)', () => {
  it('is not a failed dispatch: the batch comes back unavailable with the reason and the wait, and is not marked sent', async () => {
    const { activities, fleet, rollouts } = await setup();
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    const batch = plan.waves[0]!.batches[0]!;
    const refusal = new FleetUnavailableError('IoT Hub dispatch paused: 12 errors in 30 s (last: 503 ServerBusy); retrying in 20 s', 20_000);
    jest.spyOn(fleet, 'applyDesired').mockRejectedValueOnce(refusal);
    expect(await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: t0 })).toEqual({
      sent: 0, alreadyApplied: 0, unavailable: { reason: refusal.message, retryAfterMs: 20_000 },
    });
    expect((await rollouts.getBatch('ro-1', batch.id))!.dispatchedAt).toBeUndefined();
    // Sent again once the hub is back: now it goes out, as a first send.
    expect(await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: later(20_000) })).toMatchObject({ sent: batch.deviceCount });
  });
});

describe('assessWave judges installed devices on their health telemetry too', () => {
  const healthSample = (deviceId: string, receivedAt: string, healthy = true, version = '2.0.0') => ({ deviceId, version, healthy, at: receivedAt, receivedAt, metrics: {} });

  it('counts a device that installed fine but then sends unhealthy telemetry as unhealthy, and keeps counting it when it recovers', async () => {
    const health = new InMemoryHealthStore();
    const { activities, rollouts } = await setup([], health);
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    for (const batch of plan.waves[0]!.batches) await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: t0 });
    const canary = (await rollouts.listBatches('ro-1', 0)).flatMap((b) => b.devices.map((d) => d.deviceId));
    await health.record(canary.map((id) => healthSample(id, later(60_000))), { partitionId: '0', receivedAt: later(60_000) });
    expect(await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: later(60_000) })).toMatchObject({ succeeded: 5, unhealthy: 0 });

    await health.record([healthSample(canary[0]!, later(120_000), false)], { partitionId: '0', receivedAt: later(120_000) });
    expect(await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: later(120_000) })).toMatchObject({ succeeded: 4, unhealthy: 1 });
    // It stays counted when it recovers: a failure in the soak is a failure.
    await health.record([healthSample(canary[0]!, later(180_000), true)], { partitionId: '0', receivedAt: later(180_000) });
    expect(await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: later(180_000) })).toMatchObject({ succeeded: 4, unhealthy: 1 });
    const wave = (await rollouts.get('ro-1'))!.waves[0]!;
    expect(wave.healthTimeline?.map((p) => [p.succeeded, p.unhealthy])).toEqual([[5, 0], [4, 1], [4, 1]]);
  });

  it('counts a device that was sending telemetry and went quiet while others kept sending as silent, but not when nothing arrives at all', async () => {
    const health = new InMemoryHealthStore();
    const { activities, rollouts } = await setup([], health);
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    for (const batch of plan.waves[0]!.batches) await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: t0 });
    const minutes = (m: number) => later(m * 60_000);
    const canary = (await rollouts.listBatches('ro-1', 0)).flatMap((b) => b.devices.map((d) => d.deviceId));
    await health.record(canary.map((id) => healthSample(id, minutes(1))), { partitionId: '0', receivedAt: minutes(1) });
    // 40 minutes on, nothing new has arrived from anyone: the pipeline may lag, nobody is to blame.
    expect(await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: minutes(40) })).toMatchObject({ succeeded: 5, silent: 0 });
    // The others keep sending; the first canary device does not (default silence timeout: 15 min).
    await health.record(canary.slice(1).map((id) => healthSample(id, minutes(41))), { partitionId: '0', receivedAt: minutes(41) });
    expect(await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: minutes(41) })).toMatchObject({ succeeded: 4, silent: 1 });
  });
});

describe('analyzeWave compares the updated devices with waiting devices of the same sites and models', () => {
  const minutes = (m: number) => later(m * 60_000);

  async function canaryWithMetrics(updatedCycleTime: (i: number) => number) {
    const health = new InMemoryHealthStore();
    const { activities, rollouts } = await setup([], health);
    const record = (await rollouts.get('ro-1'))!;
    await rollouts.update('ro-1', (r) => ({
      ...r,
      spec: {
        ...record.spec, canary: { devices: 20 },
        analysis: { metrics: [{ name: 'cycleTimeMs', direction: 'lower-is-better', maxRegressionPercent: 10, critical: true }], confidence: 0.95, minSamplesPerCohort: 10, inconclusive: 'extend', maxExtensions: 2 },
      },
    }));
    const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    for (const batch of plan.waves[0]!.batches) await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: t0 });
    await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: minutes(1) });
    const canary = new Set((await rollouts.listBatches('ro-1', 0)).flatMap((b) => b.devices.map((d) => d.deviceId)));
    const all = (await rollouts.listBatches('ro-1', 1)).concat(await rollouts.listBatches('ro-1', 2)).flatMap((b) => b.devices.map((d) => d.deviceId)).concat([...canary]);
    // Every device reports every 5 minutes for half an hour; spread of a few percent between devices.
    for (let m = 2; m <= 30; m += 5) {
      await health.record(all.map((deviceId, i) => {
        const spread = 1 + ((i * 37) % 11 - 5) / 100;
        const cycleTimeMs = canary.has(deviceId) ? updatedCycleTime(i) * spread : 1000 * spread;
        return { deviceId, version: canary.has(deviceId) ? '2.0.0' : '1.0.0', healthy: true, at: minutes(m), receivedAt: minutes(m), metrics: { cycleTimeMs } };
      }), { partitionId: '0', receivedAt: minutes(m) });
    }
    return { activities, rollouts };
  }

  it('fails a canary that is 30 % slower, naming the metric, the shift, its interval and the cohort sizes', async () => {
    const { activities, rollouts } = await canaryWithMetrics(() => 1300);
    const result = await activities.analyzeWave({ rolloutId: 'ro-1', wave: 0, at: minutes(31) });
    expect(result).toMatchObject({ verdict: 'fail' });
    expect(result!.reason).toMatch(/cycleTimeMs/);
    const stored = (await rollouts.get('ro-1'))!.waves[0]!.analysis!;
    expect(stored.metrics[0]).toMatchObject({ metric: 'cycleTimeMs', verdict: 'fail', updatedCount: 20, baselineCount: 30 });
    expect(stored.metrics[0]!.regressionPercent!).toBeGreaterThan(25);
    expect(stored.metrics[0]!.regressionPercent!).toBeLessThan(35);
  });

  it('passes a canary as fast as the devices not yet updated', async () => {
    const { activities } = await canaryWithMetrics(() => 1000);
    expect(await activities.analyzeWave({ rolloutId: 'ro-1', wave: 0, at: minutes(31) })).toMatchObject({ verdict: 'pass' });
  });

  it('has nothing to say for a rollout that asks for no analysis', async () => {
    const { activities } = await setup([], new InMemoryHealthStore());
    await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
    expect(await activities.analyzeWave({ rolloutId: 'ro-1', wave: 0, at: t0 })).toBeNull();
  });
});
