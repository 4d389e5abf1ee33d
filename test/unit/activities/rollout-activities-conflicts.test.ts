/**
 * Rollout activities while every etag-guarded write loses races (as on Cosmos DB under contention): the store runs
 * each change again on the newer record, and what the activities audit, count and store happens once all the same.
 */
import { createRolloutActivities } from '../../../activities/rollout-activities';
import type { LifecycleStep } from '../../../activities/lifecycle';
import type { ApprovalDecision, BatchRecord, RolloutRecord } from '../../../domain/rollouts/rollout-record';
import { noObservability, type Observability } from '../../../domain/observability/observability-port';
import { InMemoryFleet } from '../../support/in-memory-fleet';
import { InMemoryHealthStore } from '../../support/in-memory-health';
import { InMemoryRolloutStore, InMemoryUpdateStore, type ConflictSimulation } from '../../support/in-memory-stores';

const t0 = '2026-11-25T10:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

/**
 * 30 ctl-a devices and 20 ctl-b devices that turn unhealthy after installing (unless the rollout asks for a cohort
 * analysis); canary of 5, then 40 % and 100 %.
 */
async function setup(options: { analysis?: boolean } = {}) {
  const fleet = new InMemoryFleet([
    { count: 30, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
    { count: 20, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.1.0' },
  ], { installMs: 500, unhealthyModels: options.analysis ? [] : ['ctl-b'] });
  const rollouts = new InMemoryRolloutStore();
  const updates = new InMemoryUpdateStore();
  const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
  await updates.put({ updateId, compatibility: [{ model: 'ctl-a' }, { model: 'ctl-b' }], files: [], createdAt: t0 });
  const record: RolloutRecord = {
    id: 'ro-1', status: 'PendingApproval', reason: '', createdBy: 'ops', createdAt: t0, updatedAt: t0, currentWave: -1, waves: [], approvals: [], targetedCount: 0,
    spec: {
      updateId, target: { query: 'SELECT * FROM devices' }, canary: { devices: 5 }, canarySoakMs: 1_800_000,
      waves: [{ percent: 40, soakMs: 3_600_000 }, { percent: 100, soakMs: 7_200_000 }],
      healthCheckIntervalMs: 60_000, deviceTimeoutMs: 600_000, failureThreshold: { percent: 5, minDevices: 5 },
      ...(options.analysis ? {
        analysis: { metrics: [{ name: 'cycleTimeMs', direction: 'lower-is-better' as const, maxRegressionPercent: 10, critical: true }], confidence: 0.95, minSamplesPerCohort: 3, inconclusive: 'extend' as const, maxExtensions: 2 },
      } : {}),
    },
  };
  await rollouts.create(record);
  const steps: LifecycleStep[] = [];
  const metrics: { name: string; value: number }[] = [];
  const observability: Observability = { ...noObservability, metric: (name, value) => { metrics.push({ name, value }); } };
  const health = new InMemoryHealthStore();
  const activities = createRolloutActivities({
    rollouts, updates, fleet, observability, lifecycle: async (step) => { steps.push(step); }, ...(options.analysis ? { health } : {}),
  });
  const total = (name: string) => metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  return { rollouts, activities, steps, total, health };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Plans the rollout and sends every batch of the first `waves` waves (default all) at t0; returns the plan. */
async function planAndSend({ activities }: Setup, waves = Infinity) {
  const plan = await activities.planRollout({ rolloutId: 'ro-1', at: t0 });
  for (const wave of plan.waves.slice(0, waves)) for (const batch of wave.batches) await activities.dispatchBatch({ rolloutId: 'ro-1', batchId: batch.id, at: t0 });
  return plan;
}

/** Devices named in the `device.failed` audit samples, one entry per mention. */
function auditedFailures(steps: LifecycleStep[]): string[] {
  return steps.filter((s) => s.action === 'device.failed').flatMap((s) => s.details.sample as string[]);
}

const everyWriteLosesTwice: ConflictSimulation = { conflicts: 2 };

describe('assessWave while its writes lose races', () => {
  it('audits each failed device exactly once and counts each settled device once', async () => {
    const context = await setup();
    const { rollouts, activities, steps, total } = context;
    const plan = await planAndSend(context);
    rollouts.simulateConflicts(everyWriteLosesTwice);

    for (const at of [later(1000), later(61_000)]) {
      for (const wave of plan.waves) await activities.assessWave({ rolloutId: 'ro-1', wave: wave.index, at });
    }

    expect(rollouts.racesLost).toBeGreaterThan(0);
    const audited = auditedFailures(steps);
    expect(audited).toHaveLength(20);
    expect(new Set(audited).size).toBe(20);
    expect(audited.every((d) => /^b-\d+ \(unhealthy\)$/.test(d))).toBe(true);
    expect(steps.filter((s) => s.action === 'device.failed').reduce((n, s) => n + (s.details.devices as number), 0)).toBe(20);
    expect(total('ota.devices.failed')).toBe(20);
    expect(total('ota.devices.succeeded')).toBe(30);
    const waves = (await rollouts.get('ro-1'))!.waves;
    expect(waves.reduce((n, w) => n + w.counts.unhealthy, 0)).toBe(20);
    expect(waves.reduce((n, w) => n + w.counts.succeeded, 0)).toBe(30);
    // One point per health check, not one per attempt.
    expect(waves.map((w) => w.healthTimeline?.length)).toEqual([2, 2, 2]);
  });

  it('leaves a device a rival assessment failed first to that assessment: never audited by both', async () => {
    const context = await setup();
    const { rollouts, activities, steps } = context;
    const plan = await planAndSend(context);
    const rivalAt = later(900);
    const failedByRival: string[] = [];
    // The rival writer wins each batch's first write and marks one still-open ctl-b device unhealthy.
    const rivalBatch = (b: BatchRecord): BatchRecord => {
      const victim = b.devices.find((d) => d.deviceId.startsWith('b-') && d.state === 'dispatched');
      if (!victim) return b;
      failedByRival.push(victim.deviceId);
      return { ...b, devices: b.devices.map((d) => (d === victim ? { ...d, state: 'unhealthy', updatedAt: rivalAt } : d)) };
    };
    rollouts.simulateConflicts({ conflicts: 1, rivalBatch });

    for (const wave of plan.waves) await activities.assessWave({ rolloutId: 'ro-1', wave: wave.index, at: later(1000) });

    expect(failedByRival.length).toBeGreaterThan(0);
    const audited = auditedFailures(steps).map((d) => d.split(' ')[0]!);
    expect(audited.filter((d) => failedByRival.includes(d))).toEqual([]);
    expect(new Set([...audited, ...failedByRival]).size).toBe(20);
    expect(audited.length + failedByRival.length).toBe(20);
  });
});

describe('the other read-modify-write users while their writes lose races', () => {
  const approval = (approver: string, at: string): ApprovalDecision => ({ approver, decision: 'approve', stage: 'release', at });

  it('records an approval once, keeps a rival approval, and records each progress step once', async () => {
    const { rollouts, activities, steps } = await setup();
    // The rival writer records bob's approval (once: it sees it there on its next win).
    const bob = approval('bob@contoso.com', later(10));
    rollouts.simulateConflicts({ conflicts: 2, rivalRollout: (r) => (r.approvals.some((a) => a.approver === bob.approver) ? r : { ...r, approvals: [...r.approvals, bob] }) });

    const alice = approval('alice@contoso.com', later(20));
    await activities.recordProgress({ rolloutId: 'ro-1', at: later(20), status: 'Scheduled', reason: 'approved', approval: alice, actor: alice.approver });
    // The activity again (durable activities run at least once).
    await activities.recordProgress({ rolloutId: 'ro-1', at: later(20), status: 'Scheduled', reason: 'approved', approval: alice, actor: alice.approver });

    expect(rollouts.racesLost).toBeGreaterThan(0);
    const saved = (await rollouts.get('ro-1'))!;
    expect(saved.approvals.map((a) => a.approver)).toEqual([bob.approver, alice.approver]);
    expect(saved.status).toBe('Scheduled');
    // First run: the approval and the status change; the re-run finds the status changed and adds no second approved step.
    expect(steps.map((s) => s.action)).toEqual(['approval.given', 'rollout.approved', 'approval.given']);
    expect(new Set(steps.map((s) => s.stepId)).size).toBe(2);
  });

  it('plans once, sends each batch once, and verifies a restore without counting a device twice', async () => {
    const context = await setup();
    const { rollouts, activities, steps, total } = context;
    rollouts.simulateConflicts(everyWriteLosesTwice);
    const plan = await planAndSend(context);
    await activities.recordProgress({ rolloutId: 'ro-1', at: t0, wave: { index: 0, status: 'Dispatching', startedAt: t0 } });

    expect(await activities.planRollout({ rolloutId: 'ro-1', at: later(5) })).toEqual(plan);
    expect(total('ota.devices.dispatched')).toBe(50);
    expect(steps.filter((s) => s.action === 'wave.started')).toHaveLength(1);
    const saved = (await rollouts.get('ro-1'))!;
    expect(saved.waves[0]!.status).toBe('Dispatching');
    expect((await rollouts.listBatches('ro-1')).every((b) => b.dispatchedAt === t0 && b.devices.every((d) => d.state === 'dispatched'))).toBe(true);

    for (const wave of [...plan.waves].reverse()) for (const batch of wave.batches) await activities.restoreBatch({ rolloutId: 'ro-1', batchId: batch.id, at: later(2000) });
    expect(await activities.verifyRestore({ rolloutId: 'ro-1', waves: [2, 1, 0], at: later(3000) })).toEqual({ restored: 50, pending: 0 });
    expect((await rollouts.get('ro-1'))!.waves.reduce((n, w) => n + w.counts.restored, 0)).toBe(50);
  });

  it('audits a change of cohort-analysis verdict once', async () => {
    const context = await setup({ analysis: true });
    const { rollouts, activities, steps, health } = context;
    const plan = await planAndSend(context, 1);
    const ids = (wave: number) => plan.waves[wave]!.batches.flatMap((b) => rollouts.batches.get(b.id)!.devices.map((d) => d.deviceId));
    const canary = new Set(ids(0));
    const minutes = (m: number) => later(m * 60_000);
    await activities.assessWave({ rolloutId: 'ro-1', wave: 0, at: minutes(1) });
    // The canary runs 30 % slower than the devices not yet updated (a few percent spread between devices).
    for (let m = 2; m <= 30; m += 5) {
      await health.record([...ids(0), ...ids(1), ...ids(2)].map((deviceId, i) => ({
        deviceId, version: canary.has(deviceId) ? '2.0.0' : '1.0.0', healthy: true, at: minutes(m), receivedAt: minutes(m),
        metrics: { cycleTimeMs: (canary.has(deviceId) ? 1300 : 1000) * (1 + ((i * 37) % 11 - 5) / 100) },
      })), { partitionId: '0', receivedAt: minutes(m) });
    }
    rollouts.simulateConflicts(everyWriteLosesTwice);

    expect(await activities.analyzeWave({ rolloutId: 'ro-1', wave: 0, at: minutes(31) })).toMatchObject({ verdict: 'fail' });
    expect(await activities.analyzeWave({ rolloutId: 'ro-1', wave: 0, at: minutes(32) })).toMatchObject({ verdict: 'fail' });

    expect(rollouts.racesLost).toBeGreaterThan(0);
    expect(steps.filter((s) => s.action === 'wave.analyzed').map((s) => s.details.verdict)).toEqual(['fail']);
    expect((await rollouts.get('ro-1'))!.waves[0]!.analysis).toMatchObject({ at: minutes(32), verdict: 'fail' });
  });
});

describe('the in-memory store loses races as the Cosmos adapter does', () => {
  it('stores the rival\'s change first and runs the change again on it, as many times as asked', async () => {
    const { rollouts } = await setup();
    rollouts.simulateConflicts({ conflicts: 2, rivalRollout: (r) => ({ ...r, targetedCount: r.targetedCount + 10 }) });
    const seen: number[] = [];
    const saved = await rollouts.update('ro-1', (r) => { seen.push(r.targetedCount); return { ...r, reason: 'mine' }; });
    expect(seen).toEqual([0, 10, 20]);
    expect(saved).toMatchObject({ targetedCount: 20, reason: 'mine' });
    expect(rollouts.racesLost).toBe(2);
    // Armed per record: its next write lands at once.
    await rollouts.update('ro-1', (r) => r);
    expect(rollouts.racesLost).toBe(2);
    await expect(rollouts.update('ro-1', (r) => ({ ...r, id: 'ro-2' }))).rejects.toThrow(/must not alter the id/);
  });
});
