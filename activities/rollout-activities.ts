/**
 * Rollout activities, built from ports. Each is safe to run twice (durable activities are at least once):
 * planning keeps the first plan, commands carry idempotency keys, state changes are etag-guarded.
 */
import { classifyDevice } from '../domain/rollouts/device-classifier';
import { isRestored } from '../domain/rollouts/restore-check';
import { isFailure, judgedBatch, movedBy } from '../domain/rollouts/batch-judgement';
import { planCohorts } from '../domain/rollouts/analysis-cohorts';
import { analyzeWave } from '../domain/analysis/cohort-analysis';
import { countDevices } from '../domain/rollouts/rollout-view';
import { planWaves } from '../domain/rollouts/wave-planner';
import { isCompatible } from '../domain/updates/update';
import { packageDelivery } from '../domain/packages/package-paths';
import { FleetUnavailableError, type FleetPort } from '../domain/fleet/fleet-port';
import type { DeviceReport } from '../domain/fleet/device';
import { appendHealthPoint, healthPoint } from '../domain/rollouts/health-timeline';
import { quietWindow, telemetryVerdict, type TelemetryVerdict } from '../domain/telemetry/telemetry-verdict';
import type { HealthTelemetryStore } from '../domain/telemetry/health-sample';
import { defaultHealthSilenceTimeoutMs } from '../domain/rollouts/rollout-spec';
import { batchId, emptyCounts, type BatchDevice, type BatchRecord, type DeviceStateCounts, type RolloutRecord, type WaveAnalysisRecord, type WaveRecord } from '../domain/rollouts/rollout-record';
import type { RolloutStore, UpdateStore } from '../domain/rollouts/rollout-store-port';
import type { DeviceRolloutState } from '../domain/rollouts/rollout-status';
import type { ActivityInput, ActivityOutput, DispatchResult, RolloutPlan } from '../orchestrations/contracts';
import type { RecordLifecycle } from './lifecycle';
import { progressSteps } from './progress-steps';
import { summarizeRollout, type SendApprovalCards } from '../domain/approvals/approval-cards';
import { noObservability, type Observability } from '../domain/observability/observability-port';
import { progressMeasurements } from './rollout-telemetry';

export interface RolloutPorts {
  rollouts: RolloutStore;
  updates: UpdateStore;
  fleet: FleetPort;
  /** Devices' latest health telemetry (optional in unit tests: devices are then judged on their twin reports alone). */
  health?: HealthTelemetryStore;
  /** Audit trail and enterprise events for every state change (optional in unit tests). */
  lifecycle?: RecordLifecycle;
  /** Teams approval cards; absent when approval links are not configured (approvers then use the API). */
  approvalCards?: { send: SendApprovalCards; baseUrl: string };
  /** Operators' telemetry: per-wave device metrics and rollout timings (none when absent). */
  observability?: Observability;
}

function planOf(record: RolloutRecord): RolloutPlan {
  return {
    targetedCount: record.targetedCount,
    waves: record.waves.map(({ index, kind, deviceCount, soakMs, batches }) => ({ index, kind, deviceCount, soakMs, batches })),
  };
}

/** The soak of each planned wave: the canary's, or that of the spec wave whose cumulative share it completes. */
function soaksOf(spec: RolloutRecord['spec'], sizes: number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  let reached = 0;
  return sizes.map((size, i) => {
    reached += size;
    if (i === 0) return spec.canarySoakMs;
    const wave = spec.waves.find((w) => Math.ceil((w.percent / 100) * total) >= reached) ?? spec.waves[spec.waves.length - 1];
    return wave?.soakMs ?? 0;
  });
}

/**
 * A hub that refuses for now (circuit open) is not a failed activity: `fallback` stands for the work not done
 * (the orchestration waits and sends again; a read judges the devices at the next check).
 */
async function unlessUnavailable<T>(work: () => Promise<T>, fallback: (refusal: FleetUnavailableError) => T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof FleetUnavailableError) return fallback(err);
    throw err;
  }
}

const notSent = (refusal: FleetUnavailableError): DispatchResult => ({ sent: 0, alreadyApplied: 0, unavailable: { reason: refusal.message, retryAfterMs: refusal.retryAfterMs } });
/** The device's model tag, kept with it in its batch: cohorts compare devices of the same sites and models. */
function modelOf(device: { tags: Record<string, string> } | undefined): { model?: string } {
  const model = device?.tags.model;
  return model ? { model } : {};
}

/** Devices per cohort in an analysis: plenty for a rank test, and a bounded read per check. */
const maxPerCohort = 500;

/** Problem devices read per check: more than any threshold needs to decide, fewer than a fleet. */
const maxTelemetryProblems = 5000;

const notRead = (): DeviceReport[] | undefined => undefined;

export function createRolloutActivities(ports: RolloutPorts) {
  const { rollouts, updates, fleet } = ports;
  const observability = ports.observability ?? noObservability;

  async function requireRollout(id: string): Promise<RolloutRecord> {
    const record = await rollouts.get(id);
    if (!record) throw new Error(`Rollout ${id} does not exist.`);
    return record;
  }

  /** Stores the wave's counts; a health check (`assessedAt`) also adds them to the wave's health timeline. */
  async function updateWaveCounts(rolloutId: string, wave: number, counts: DeviceStateCounts, at: string, extra: { assessedAt?: string } = {}): Promise<void> {
    await rollouts.update(rolloutId, (r) => ({
      ...r,
      updatedAt: at,
      waves: r.waves.map((w) => (w.index !== wave ? w : {
        ...w, counts, ...extra, ...(extra.assessedAt ? { healthTimeline: appendHealthPoint(w.healthTimeline, healthPoint(at, counts)) } : {}),
      })),
    }));
  }

  /** A health check is due during dispatch once an interval has passed since the wave's last one (or its first batch). */
  function checkDue(record: RolloutRecord, wave: number, at: string): boolean {
    const waveRecord = record.waves.find((w) => w.index === wave);
    const since = waveRecord?.assessedAt ?? waveRecord?.startedAt;
    return since !== undefined && Date.parse(at) - Date.parse(since) >= record.spec.healthCheckIntervalMs;
  }

  /**
   * What health telemetry says against the wave's devices: the samples of devices unhealthy on the target or gone
   * quiet (a bounded query; nothing when the app has no telemetry store or nothing was sent yet).
   */
  async function telemetryOf(record: RolloutRecord, sent: BatchRecord[]): Promise<(deviceId: string, dispatchedAt: string) => TelemetryVerdict> {
    const { health } = ports;
    const firstDispatch = sent.map((b) => b.dispatchedAt!).sort()[0];
    if (!health || firstDispatch === undefined) return () => undefined;
    const silenceTimeoutMs = record.spec.healthSilenceTimeoutMs ?? defaultHealthSilenceTimeoutMs;
    const targetVersion = record.spec.updateId.version;
    const progress = await health.progress();
    const quiet = quietWindow(firstDispatch, progress, silenceTimeoutMs);
    const problems = await health.findProblems({ targetVersion, unhealthySince: firstDispatch, ...(quiet ? { quiet } : {}), limit: maxTelemetryProblems });
    const samples = new Map(problems.map((p) => [p.deviceId, p]));
    return (deviceId, dispatchedAt) => telemetryVerdict({ sample: samples.get(deviceId), targetVersion, dispatchedAt, progress, silenceTimeoutMs });
  }

  /**
   * Judges the wave's devices: open ones by their twin reports, and every succeeded one by its health telemetry
   * too (a device that installed fine and then turns unhealthy or goes quiet counts as failed). Stores and returns
   * the wave's counts and adds them to its health timeline.
   */
  async function assess(record: RolloutRecord, wave: number, at: string): Promise<DeviceStateCounts> {
    const rolloutId = record.id;
    const all: { state: DeviceRolloutState }[] = [];
    const newlyFailed: { deviceId: string; state: DeviceRolloutState }[] = [];
    let newlySucceeded = 0;
    const batches = await rollouts.listBatches(rolloutId, wave);
    const sent = batches.filter((b) => b.dispatchedAt !== undefined);
    const open = sent.filter((b) => b.devices.some((d) => d.state === 'dispatched'));
    // One read for the whole wave (a query page per 1000 devices, whatever the batches): queries are the scarcest quota.
    const openIds = open.flatMap((b) => b.devices.filter((d) => d.state === 'dispatched').map((d) => d.deviceId));
    const read = openIds.length === 0 ? [] : await unlessUnavailable(() => fleet.readReports(openIds, at, { commandIds: open.map((b) => `${b.id}:install`) }), notRead);
    const reports = new Map((read ?? []).map((r) => [r.deviceId, r]));
    const telemetry = await telemetryOf(record, sent);
    for (const batch of batches) {
      const dispatchedAt = batch.dispatchedAt;
      const judge = (d: BatchDevice): DeviceRolloutState => {
        let state = d.state;
        // The hub refusing for now leaves open devices as they stand (judged at the next check).
        if (state === 'dispatched' && read) {
          state = classifyDevice({
            report: reports.get(d.deviceId), targetVersion: record.spec.updateId.version, dispatchedAt: dispatchedAt!, now: at, deviceTimeoutMs: record.spec.deviceTimeoutMs, commandId: `${batch.id}:install`,
          });
        }
        return state === 'succeeded' ? telemetry(d.deviceId, dispatchedAt!) ?? state : state;
      };
      if (dispatchedAt === undefined || batch.devices.every((d) => judge(d) === d.state)) {
        all.push(...batch.devices);
        continue;
      }
      const saved = await rollouts.updateBatch(rolloutId, batch.id, (b) => judgedBatch(b, judge, at));
      all.push(...saved.devices);
      // From the batch as read and as saved, never from inside the change: it may run again on a conflict.
      const moved = movedBy(batch, saved, at);
      newlyFailed.push(...moved.filter((d) => isFailure(d.state)).map(({ deviceId, state }) => ({ deviceId, state })));
      newlySucceeded += moved.filter((d) => d.state === 'succeeded').length;
    }
    const counts = countDevices(all);
    await updateWaveCounts(rolloutId, wave, counts, at, { assessedAt: at });
    if (newlySucceeded > 0) observability.metric('ota.devices.succeeded', newlySucceeded, { wave }, rolloutId);
    if (newlyFailed.length > 0) observability.metric('ota.devices.failed', newlyFailed.length, { wave }, rolloutId);
    if (newlyFailed.length > 0) {
      // One entry per assessment, not per device: the trail stays readable and appends stay few.
      await ports.lifecycle?.({
        stepId: `${rolloutId}:failed:${wave}:${at}`, action: 'device.failed', eventType: 'Contoso.Ota.WaveStatusChanged', subject: `rollouts/${rolloutId}`, actor: 'system', at,
        details: { wave, devices: newlyFailed.length, byState: countDevices(newlyFailed), sample: newlyFailed.slice(0, 20).map((d) => `${d.deviceId} (${d.state})`) },
      });
    }
    return counts;
  }

  return {
    async loadRolloutPolicy({ rolloutId }: ActivityInput<'loadRolloutPolicy'>): Promise<ActivityOutput<'loadRolloutPolicy'>> {
      const { spec, createdBy } = await requireRollout(rolloutId);
      return {
        createdBy,
        updateName: spec.updateId.name,
        targetVersion: spec.updateId.version,
        approval: spec.approval,
        healthCheckIntervalMs: spec.healthCheckIntervalMs,
        deviceTimeoutMs: spec.deviceTimeoutMs,
        failureThreshold: spec.failureThreshold,
        maintenanceWindows: spec.maintenanceWindows,
        maxDevicesPerSecond: spec.maxDevicesPerSecond,
        ...(spec.analysis ? { analysis: { inconclusive: spec.analysis.inconclusive, maxExtensions: spec.analysis.maxExtensions } } : {}),
        after: spec.after,
      };
    },

    async sendApprovalCards({ rolloutId, stageIndex, expiresAt }: ActivityInput<'sendApprovalCards'>): Promise<ActivityOutput<'sendApprovalCards'>> {
      if (!ports.approvalCards) return { cards: 0, problem: 'approval links are not configured (APPROVAL_LINK_SECRET)' };
      const record = await requireRollout(rolloutId);
      const stage = record.spec.approval?.stages[stageIndex];
      if (!stage) return { cards: 0, problem: `rollout ${rolloutId} has no approval stage ${stageIndex}` };
      try {
        const sent = await ports.approvalCards.send({
          rollout: summarizeRollout(record), stage: { name: stage.name, index: stageIndex }, approvers: stage.approvers, expiresAt, baseUrl: ports.approvalCards.baseUrl,
        });
        return { cards: sent.cards.length };
      } catch (err) {
        // Teams being down must not block the gate: approvers can still decide through the API.
        return { cards: 0, problem: err instanceof Error ? err.message : String(err) };
      }
    },

    async rolloutStatuses({ rolloutIds }: ActivityInput<'rolloutStatuses'>): Promise<ActivityOutput<'rolloutStatuses'>> {
      return Promise.all(rolloutIds.map(async (id) => {
        const record = await rollouts.get(id);
        return { id, status: record?.status ?? 'Failed', reason: record?.reason ?? 'the rollout does not exist' };
      }));
    },

    async recordProgress(update: ActivityInput<'recordProgress'>): Promise<null> {
      const previous = await requireRollout(update.rolloutId);
      await rollouts.update(update.rolloutId, (r) => ({
        ...r,
        updatedAt: update.at,
        ...(update.status === 'RollingBack' && !r.rollbackStartedAt ? { rollbackStartedAt: update.at } : {}),
        status: update.status ?? r.status,
        reason: update.reason ?? r.reason,
        reasonCode: update.reasonCode ?? r.reasonCode,
        currentWave: update.currentWave ?? r.currentWave,
        approvalStage: update.approvalStage ?? r.approvalStage,
        approvals: update.approval && !r.approvals.some((a) => a.approver === update.approval!.approver && a.at === update.approval!.at) ? [...r.approvals, update.approval] : r.approvals,
        waves: update.wave ? r.waves.map((w) => (w.index === update.wave!.index ? { ...w, ...update.wave } : w)) : r.waves,
      }));
      for (const step of progressSteps(previous, update)) await ports.lifecycle?.(step);
      for (const m of progressMeasurements(previous, update)) observability.metric(m.name, m.valueMs, m.properties, update.rolloutId);
      return null;
    },

    async planRollout({ rolloutId, at }: ActivityInput<'planRollout'>): Promise<RolloutPlan> {
      const record = await requireRollout(rolloutId);
      if (record.waves.length > 0) return planOf(record); // planned before this retry or restart: keep that plan
      const update = await updates.get(record.spec.updateId);
      if (!update) throw new Error(`Update ${record.spec.updateId.name} ${record.spec.updateId.version} no longer exists.`);
      const devices = (await fleet.queryDevices(record.spec.target)).filter((d) => isCompatible(d.tags, update.compatibility));
      // The same number of batches per site and wave whatever the fleet size, so orchestration history is the same for
      // 10k and 100k devices: only the batches grow.
      const planned = planWaves({ rolloutId, devices, canary: record.spec.canary, waves: record.spec.waves, maxBatchesPerWave: 10, minBatchSize: 1, evenPerSite: true });
      const byId = new Map(devices.map((d) => [d.deviceId, d]));
      const batches: BatchRecord[] = planned.flatMap((wave) =>
        wave.batches.map((batch) => ({
          id: batchId(rolloutId, wave.index, batch.index), rolloutId, wave: wave.index, index: batch.index, site: batch.site,
          devices: batch.deviceIds.map((deviceId) => ({
            deviceId, fromVersion: byId.get(deviceId)?.installedVersion ?? '', site: batch.site, ...modelOf(byId.get(deviceId)), state: 'pending' as const, updatedAt: at,
          })),
        })),
      );
      await rollouts.putBatches(batches);
      const soaks = soaksOf(record.spec, planned.map((w) => w.deviceIds.length));
      const waves: WaveRecord[] = planned.map((wave, i) => ({
        index: wave.index, kind: wave.kind, status: 'NotStarted', deviceCount: wave.deviceIds.length, soakMs: soaks[i] ?? 0,
        batches: wave.batches.map((b) => ({ id: batchId(rolloutId, wave.index, b.index), site: b.site, deviceCount: b.deviceIds.length })),
        counts: { ...emptyCounts(), pending: wave.deviceIds.length },
      }));
      const saved = await rollouts.update(rolloutId, (r) => (r.waves.length > 0 ? r : { ...r, waves, targetedCount: devices.length, updatedAt: at }));
      return planOf(saved);
    },

    async dispatchBatch({ rolloutId, batchId: id, at }: ActivityInput<'dispatchBatch'>): Promise<ActivityOutput<'dispatchBatch'>> {
      const record = await requireRollout(rolloutId);
      const batch = await rollouts.getBatch(rolloutId, id);
      if (!batch) throw new Error(`Batch ${id} of rollout ${rolloutId} does not exist.`);
      const update = await updates.get(record.spec.updateId);
      const delivery = update?.manifest && update.signedManifest ? packageDelivery(update.manifest, update.signedManifest) : undefined;
      const desired = {
        commandId: `${id}:install`, rolloutId, provider: record.spec.updateId.provider, updateName: record.spec.updateId.name, version: record.spec.updateId.version, kind: 'install' as const,
        ...(delivery ? { package: delivery } : {}),
      };
      const result: DispatchResult = await unlessUnavailable(() => fleet.applyDesired(batch.devices.map((d) => ({ deviceId: d.deviceId, desired })), at, { firstSend: !batch.dispatchedAt }), notSent);
      if (result.unavailable) return result;
      await rollouts.updateBatch(rolloutId, id, (b) => ({
        ...b,
        dispatchedAt: b.dispatchedAt ?? at,
        devices: b.devices.map((d) => (d.state === 'pending' ? { ...d, state: 'dispatched', updatedAt: at } : d)),
      }));
      if (result.sent > 0) observability.metric('ota.devices.dispatched', result.sent, { wave: batch.wave }, rolloutId);
      // A wave that takes long to send is watched while it is sent: the orchestration judges these counts at once.
      if (checkDue(record, batch.wave, at)) return { ...result, counts: await assess(record, batch.wave, at) };
      return result;
    },

    async assessWave({ rolloutId, wave, at }: ActivityInput<'assessWave'>): Promise<DeviceStateCounts> {
      return assess(await requireRollout(rolloutId), wave, at);
    },

    async restoreBatch({ rolloutId, batchId: id, at }: ActivityInput<'restoreBatch'>): Promise<ActivityOutput<'restoreBatch'>> {
      const record = await requireRollout(rolloutId);
      const batch = await rollouts.getBatch(rolloutId, id);
      if (!batch) throw new Error(`Batch ${id} of rollout ${rolloutId} does not exist.`);
      const touched = batch.devices.filter((d) => d.state !== 'pending');
      const updateName = record.spec.updateId.name;
      const result: DispatchResult = await unlessUnavailable(() => fleet.applyDesired(
        touched.map((d) => ({ deviceId: d.deviceId, desired: { commandId: `${id}:restore`, rolloutId, provider: record.spec.updateId.provider, updateName, version: d.fromVersion, kind: 'restore' as const } })),
        at,
        { firstSend: !batch.restoredAt },
      ), notSent);
      if (result.unavailable) return result;
      await rollouts.updateBatch(rolloutId, id, (b) => ({ ...b, restoredAt: b.restoredAt ?? at }));
      return result;
    },

    async analyzeWave({ rolloutId, wave, at }: ActivityInput<'analyzeWave'>): Promise<ActivityOutput<'analyzeWave'>> {
      const record = await requireRollout(rolloutId);
      const spec = record.spec.analysis;
      if (!spec || !ports.health) return null;
      const { health } = ports;
      const waveIndex = record.waves.findIndex((w) => w.index === wave);
      const batches = await rollouts.listBatches(rolloutId, wave);
      // Later waves' devices are the baseline: read wave by wave until there are enough of them (never the fleet).
      const later: BatchRecord[] = [];
      for (const next of record.waves.slice(waveIndex + 1)) {
        if (later.reduce((n, b) => n + b.devices.length, 0) >= 4 * maxPerCohort) break;
        later.push(...await rollouts.listBatches(rolloutId, next.index));
      }
      const plan = planCohorts({
        rolloutId, targetVersion: record.spec.updateId.version, wave: batches, later,
        previousWaveStartedAt: record.waves[waveIndex - 1]?.startedAt, now: at, maxPerCohort,
      });
      const [updated, baseline] = plan
        ? await Promise.all([health.metricMeans(plan.updated.deviceIds, plan.updated.window), health.metricMeans(plan.baseline.deviceIds, plan.baseline.window)])
        : [new Map<string, Record<string, number>>(), new Map<string, Record<string, number>>()];
      const values = Object.fromEntries(spec.metrics.map((m) => [m.name, {
        updated: [...updated.values()].flatMap((means) => means[m.name] ?? []),
        baseline: [...baseline.values()].flatMap((means) => means[m.name] ?? []),
      }]));
      const result = analyzeWave(spec, values);
      const baselineKind = plan?.baselineKind ?? 'concurrent';
      const reason = `cohort analysis ${result.reason}${baselineKind === 'previous-window' ? ' (baseline: the same devices before their update)' : ''}`;
      const analysis: WaveAnalysisRecord = {
        at, verdict: result.verdict, reason, baselineKind,
        metrics: result.metrics.map(({ metric, verdict, critical, updatedCount, baselineCount, pValue, shift, shiftInterval, regressionPercent, regressionInterval, reason: why }) =>
          ({ metric, verdict, critical, updatedCount, baselineCount, pValue, shift, shiftInterval, regressionPercent, regressionInterval, reason: why })),
      };
      await rollouts.update(rolloutId, (r) => ({ ...r, waves: r.waves.map((w) => (w.index === wave ? { ...w, analysis } : w)) }));
      // Audited when the verdict changes, with the numbers: the trail shows how the judgement moved, not every check.
      // The one before is the record's as read above: only this activity writes a wave's analysis, one at a time.
      const previous = record.waves[waveIndex]?.analysis;
      if (previous?.verdict !== analysis.verdict) {
        await ports.lifecycle?.({
          stepId: `${rolloutId}:analysis:${wave}:${at}`, action: 'wave.analyzed', eventType: 'Contoso.Ota.WaveStatusChanged', subject: `rollouts/${rolloutId}`, actor: 'system', at,
          details: { wave, verdict: analysis.verdict, reason, metrics: analysis.metrics },
        });
      }
      return { verdict: result.verdict, reason };
    },

    async verifyRestore({ rolloutId, waves, at }: ActivityInput<'verifyRestore'>): Promise<ActivityOutput<'verifyRestore'>> {
      let restored = 0;
      let pending = 0;
      for (const wave of waves) {
        const batches = await rollouts.listBatches(rolloutId, wave);
        const all: { state: DeviceRolloutState }[] = [];
        // One read per wave for the devices not yet seen back (a page per 1000 devices).
        const waiting = batches.flatMap((b) => b.devices.filter((d) => d.state !== 'pending' && d.state !== 'restored').map((d) => d.deviceId));
        const read = waiting.length === 0 ? [] : await unlessUnavailable(() => fleet.readReports(waiting, at, { commandIds: batches.map((b) => `${b.id}:restore`) }), notRead);
        const reports = new Map((read ?? []).map((r) => [r.deviceId, r]));
        for (const batch of batches) {
          const restoredSince = batch.restoredAt ?? at;
          const isBack = (deviceId: string, fromVersion: string) =>
            isRestored({ report: reports.get(deviceId), fromVersion, restoreCommandId: `${batch.id}:restore`, restoredSince });
          const saved = await rollouts.updateBatch(rolloutId, batch.id, (b) => ({
            ...b,
            devices: b.devices.map((d) =>
              d.state !== 'pending' && d.state !== 'restored' && isBack(d.deviceId, d.fromVersion) ? { ...d, state: 'restored', updatedAt: at } : d),
          }));
          for (const d of saved.devices) {
            if (d.state === 'restored') restored++;
            else if (d.state !== 'pending') pending++;
          }
          all.push(...saved.devices);
        }
        await updateWaveCounts(rolloutId, wave, countDevices(all), at);
      }
      return { restored, pending };
    },
  };
}

export type RolloutActivities = ReturnType<typeof createRolloutActivities>;
