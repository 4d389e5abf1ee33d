/**
 * Use case: create and start a rollout from a request body. The API and import rules' automatic rollouts both come
 * here, so a rollout is checked the same way whoever asks: the schema, waves and windows, the update, the target's
 * devices (known, compatible, with their prerequisites or prerequisite rollouts planned before it).
 */
import { InvalidTargetQueryError, type DeviceTarget, type FleetPort } from '../../domain/fleet/fleet-port';
import type { RecordLifecycle } from '../../domain/audit/lifecycle-step';
import { validateMaintenanceWindow } from '../../domain/rollouts/maintenance-window';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import type { ApprovalPolicy, RolloutSpec } from '../../domain/rollouts/rollout-spec';
import type { RolloutStatus } from '../../domain/rollouts/rollout-status';
import type { RolloutStore, UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { validateWaveSpecs } from '../../domain/rollouts/wave-planner';
import { isCompatible } from '../../domain/updates/update';
import type { Prerequisite } from '../../domain/packages/manifest';
import { describePrerequisite, missingPrerequisites } from '../../domain/packages/prerequisites';
import { compareSemver, isSemver } from '../../domain/semver';
import { ok, refuse, type Outcome } from '../outcome';
import { rolloutRequestSchema, type RolloutRequest } from '../requests/request-schemas';
import { schemaRefusal } from '../requests/schema-refusal';
import type { RolloutEngine } from '../rollout-engine';

export interface CreateRolloutDeps {
  rollouts: RolloutStore;
  updates: UpdateStore;
  fleet: FleetPort;
  engine: RolloutEngine;
  now: () => Date;
  /** A new rollout id (`ro-<uuid>`). */
  newId: () => string;
  lifecycle?: RecordLifecycle;
}

/** How many offending devices a refusal names. */
const listed = 20;

interface Lacking {
  deviceId: string;
  missing: Prerequisite[];
}

export function toSpec(body: RolloutRequest): RolloutSpec {
  return {
    updateId: body.updateId,
    target: body.target as DeviceTarget,
    canary: body.canary,
    canarySoakMs: body.canarySoak,
    waves: body.waves.map((w) => ({ percent: w.percent, soakMs: w.soak })),
    healthCheckIntervalMs: body.healthCheckInterval,
    deviceTimeoutMs: body.deviceTimeout,
    healthSilenceTimeoutMs: body.healthSilenceTimeout,
    failureThreshold: body.failureThreshold,
    ...(body.approval ? { approval: toApprovalPolicy(body.approval) } : {}),
    ...(body.maintenanceWindows ? { maintenanceWindows: body.maintenanceWindows.map(({ duration, ...w }) => ({ ...w, durationMs: duration })) } : {}),
    ...(body.maxDevicesPerSecond ? { maxDevicesPerSecond: body.maxDevicesPerSecond } : {}),
    ...(body.analysis ? { analysis: body.analysis } : {}),
  };
}

/** The single-stage form is one stage named 'approval' with a quorum of 1. */
function toApprovalPolicy(approval: NonNullable<RolloutRequest['approval']>): ApprovalPolicy {
  if ('stages' in approval) return { stages: approval.stages.map(({ timeout, ...stage }) => ({ ...stage, timeoutMs: timeout })) };
  return { stages: [{ name: 'approval', approvers: approval.approvers, quorum: 1, timeoutMs: approval.timeout }] };
}

const more = (total: number) => (total > listed ? ', …' : '');

export function createRolloutUseCase(deps: CreateRolloutDeps) {
  const newRecord = (spec: RolloutSpec, createdBy: string, now: string, targeted: number, status: RolloutStatus, reason: string): RolloutRecord => ({
    id: deps.newId(), spec, status, reason, reasonCode: 'created', createdBy, createdAt: now, updatedAt: now,
    currentWave: -1, waves: [], approvals: [], targetedCount: targeted,
  });
  const recordCreated = (record: RolloutRecord) =>
    deps.lifecycle?.({
      stepId: `${record.id}:created`, action: 'rollout.created', eventType: 'Contoso.Ota.RolloutCreated', subject: `rollouts/${record.id}`,
      actor: record.createdBy, at: record.createdAt,
      details: { updateId: record.spec.updateId, targeted: record.targetedCount, approvalStages: record.spec.approval?.stages.map((s) => s.name) ?? [], after: record.spec.after ?? [] },
    });

  /** Checks the schema cannot make; the device count and who lacks prerequisites. */
  async function check(spec: RolloutSpec): Promise<Outcome<{ targeted: number; lacking: Lacking[] }>> {
    const waveProblem = validateWaveSpecs(spec.canary, spec.waves);
    if (waveProblem) return refuse('invalid-waves', waveProblem, 'waves');
    for (const [i, window] of (spec.maintenanceWindows ?? []).entries()) {
      const message = validateMaintenanceWindow(window);
      if (message) return refuse('invalid-maintenance-window', `maintenanceWindows[${i}]: ${message}`, `maintenanceWindows[${i}]`, message);
    }
    const update = await deps.updates.get(spec.updateId);
    if (!update) {
      const { provider, name, version } = spec.updateId;
      return refuse('unknown-update', `No update ${provider}/${name} ${version} is registered.`, 'updateId', 'not registered');
    }
    let devices;
    try {
      devices = await deps.fleet.queryDevices(spec.target);
    } catch (err) {
      if (err instanceof InvalidTargetQueryError) return refuse('invalid-target-query', err.message, 'target.query');
      throw err;
    }
    if ('deviceIds' in spec.target) {
      const known = new Set(devices.map((d) => d.deviceId));
      const unknown = spec.target.deviceIds.filter((id) => !known.has(id));
      if (unknown.length) return refuse('unknown-devices', `Unknown device ids: ${unknown.slice(0, listed).join(', ')}${more(unknown.length)}`, 'target.deviceIds', `${unknown.length} unknown`);
    }
    if (devices.length === 0) return refuse('no-devices', 'The target matches no device.', 'target', 'matches no device');
    const incompatible = devices.filter((d) => !isCompatible(d.tags, update.compatibility));
    if (incompatible.length) {
      const ids = incompatible.slice(0, listed).map((d) => `${d.deviceId} (${d.tags.model ?? 'no model'})`);
      return refuse('incompatible-devices',
        `${incompatible.length} targeted devices are not compatible with ${spec.updateId.name} ${spec.updateId.version}: ${ids.join(', ')}${more(incompatible.length)}`,
        'target', `${incompatible.length} incompatible devices`);
    }
    const prerequisites = update.prerequisites ?? update.manifest?.prerequisites ?? [];
    const lacking = devices
      .map((d) => ({ deviceId: d.deviceId, missing: missingPrerequisites(d.software ?? {}, prerequisites.filter((p) => p.name !== spec.updateId.name)) }))
      .filter((d) => d.missing.length > 0);
    return ok({ targeted: devices.length, lacking });
  }

  /**
   * One rollout per missing prerequisite, for the devices lacking it, using the lowest registered version that
   * satisfies every device's need. They start after the main rollout's approval, which waits for them.
   */
  async function planPrerequisites(spec: RolloutSpec, lacking: Lacking[], caller: string, now: string): Promise<Outcome<RolloutRecord[]>> {
    const byName = new Map<string, { minVersion: string; deviceIds: string[] }>();
    for (const device of lacking) {
      for (const p of device.missing) {
        const entry = byName.get(p.name) ?? { minVersion: p.minVersion, deviceIds: [] };
        if (compareSemver(p.minVersion, entry.minVersion) > 0) entry.minVersion = p.minVersion;
        entry.deviceIds.push(device.deviceId);
        byName.set(p.name, entry);
      }
    }
    const records: RolloutRecord[] = [];
    for (const [name, need] of byName) {
      const candidates = (await deps.updates.list({ provider: spec.updateId.provider, name }))
        .filter((u) => isSemver(u.updateId.version) && compareSemver(u.updateId.version, need.minVersion) >= 0)
        .sort((a, b) => compareSemver(a.updateId.version, b.updateId.version));
      const chosen = candidates[0];
      if (!chosen) return refuse('prerequisite-unavailable', `no registered ${spec.updateId.provider}/${name} satisfies ${name} ≥ ${need.minVersion}`, 'sequencePrerequisites');
      const prerequisiteSpec: RolloutSpec = { ...spec, updateId: chosen.updateId, target: { deviceIds: need.deviceIds }, approval: undefined, after: undefined };
      const checked = await check(prerequisiteSpec);
      if (!checked.ok) return checked;
      records.push(newRecord(prerequisiteSpec, caller, now, checked.value.targeted, 'Scheduled', `prerequisite of a rollout of ${spec.updateId.name} ${spec.updateId.version}; starts after its approval`));
    }
    return ok(records);
  }

  /** Creates the rollout (and its prerequisite rollouts), records it, and starts its orchestration. */
  return async function createRollout(body: unknown, caller: string): Promise<Outcome<RolloutRecord>> {
    const parsed = rolloutRequestSchema.safeParse(body);
    if (!parsed.success) return schemaRefusal(parsed.error);
    const spec = toSpec(parsed.data);
    const checked = await check(spec);
    if (!checked.ok) return checked;
    const now = deps.now().toISOString();
    let prerequisites: RolloutRecord[] = [];
    const { lacking, targeted } = checked.value;
    if (lacking.length > 0) {
      if (!parsed.data.sequencePrerequisites) {
        const names = lacking.slice(0, listed).map((d) => `${d.deviceId} (${d.missing.map(describePrerequisite).join(', ')})`);
        return refuse('missing-prerequisites',
          `${lacking.length} targeted devices lack prerequisites of ${spec.updateId.name} ${spec.updateId.version}: ${names.join(', ')}${more(lacking.length)}. Send "sequencePrerequisites": true to install them first.`,
          'target', `${lacking.length} devices lack prerequisites`);
      }
      const planned = await planPrerequisites(spec, lacking, caller, now);
      if (!planned.ok) return planned;
      prerequisites = planned.value;
    }
    const record = newRecord({ ...spec, ...(prerequisites.length ? { after: prerequisites.map((r) => r.id) } : {}) }, caller, now, targeted,
      spec.approval ? 'PendingApproval' : 'Scheduled', spec.approval ? 'waiting for approval' : 'starting');
    for (const prerequisite of prerequisites) {
      await deps.rollouts.create(prerequisite);
      await recordCreated(prerequisite);
    }
    await deps.rollouts.create(record);
    await recordCreated(record);
    await deps.engine.start(record.id);
    return ok(record);
  };
}

export type CreateRollout = ReturnType<typeof createRolloutUseCase>;
