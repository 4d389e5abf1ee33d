/** The rollout API: create, read, list, approve, and control (pause / resume / cancel / rollback). */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { InvalidTargetQueryError, type DeviceTarget, type FleetPort } from '../../domain/fleet/fleet-port';
import { validateMaintenanceWindow } from '../../domain/rollouts/maintenance-window';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import type { ApprovalPolicy, RolloutSpec } from '../../domain/rollouts/rollout-spec';
import { checkApprover } from '../../domain/rollouts/approval-rules';
import { finalRolloutStatuses, type RolloutStatus } from '../../domain/rollouts/rollout-status';
import { InvalidContinuationTokenError, type RolloutStore, type UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { toRolloutView } from '../../domain/rollouts/rollout-view';
import { validateWaveSpecs } from '../../domain/rollouts/wave-planner';
import { isCompatible } from '../../domain/updates/update';
import type { Prerequisite } from '../../domain/packages/manifest';
import { describePrerequisite, missingPrerequisites } from '../../domain/packages/prerequisites';
import { compareSemver, isSemver } from '../../domain/semver';
import { eventNames, type ControlAction } from '../../orchestrations/contracts';
import { callerName } from './caller';
import { principalFromHeaders } from './principal';
import type { RecordLifecycle } from '../../activities/lifecycle';
import { pagedResponse, pageQuery } from './paging';
import { problem, readJson, validationProblem } from './problem';
import { approvalRequestSchema, rolloutRequestSchema, type RolloutRequest } from './request-schemas';

/** What the API needs of Durable Functions (df.getClient in production, the same through the devhost). */
export interface RolloutRunner {
  start(rolloutId: string): Promise<void>;
  /** false when the instance is gone or finished. */
  raise(rolloutId: string, eventName: string, payload: unknown): Promise<boolean>;
}

const allStatuses: readonly RolloutStatus[] = ['PendingApproval', 'Scheduled', 'InProgress', 'Paused', 'Completed', 'RollingBack', 'RolledBack', 'Cancelled', 'Rejected', 'Expired', 'Failed'];
const controlAllowed: Record<ControlAction, readonly RolloutStatus[]> = {
  pause: ['Scheduled', 'InProgress'],
  resume: ['Paused'],
  cancel: ['PendingApproval', 'Scheduled', 'InProgress', 'Paused'],
  rollback: ['InProgress', 'Paused'],
};
const listedIncompatible = 20;

function toSpec(body: RolloutRequest): RolloutSpec {
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

interface Lacking {
  deviceId: string;
  missing: Prerequisite[];
}

function newRecord(spec: RolloutSpec, createdBy: string, now: string, targeted: number, status: RolloutStatus, reason: string): RolloutRecord {
  return {
    id: `ro-${randomUUID()}`, spec, status, reason, createdBy, createdAt: now, updatedAt: now,
    currentWave: -1, waves: [], approvals: [], targetedCount: targeted,
  };
}

export function createRolloutsApi(deps: { rollouts: RolloutStore; updates: UpdateStore; fleet: FleetPort; runner: RolloutRunner; now: () => Date; lifecycle?: RecordLifecycle }) {
  const recordCreated = (record: RolloutRecord) =>
    deps.lifecycle?.({
      stepId: `${record.id}:created`, action: 'rollout.created', eventType: 'Contoso.Ota.RolloutCreated', subject: `rollouts/${record.id}`,
      actor: record.createdBy, at: record.createdAt,
      details: { updateId: record.spec.updateId, targeted: record.targetedCount, approvalStages: record.spec.approval?.stages.map((s) => s.name) ?? [], after: record.spec.after ?? [] },
    });
  const unauthenticated = () => problem(401, 'Unauthenticated', 'Sign in: the x-ms-client-principal-name header (App Service authentication) is missing.');

  async function load(request: HttpRequest): Promise<RolloutRecord | HttpResponseInit> {
    const rollout = await deps.rollouts.get(request.params.id ?? '');
    return rollout ?? problem(404, 'Not found', `No rollout '${request.params.id}'.`);
  }

  /** Semantic checks the schema cannot make; returns a problem, or the device count and who lacks prerequisites. */
  async function check(spec: RolloutSpec): Promise<HttpResponseInit | { targeted: number; lacking: Lacking[] }> {
    const waveProblem = validateWaveSpecs(spec.canary, spec.waves);
    if (waveProblem) return problem(400, 'Invalid request', waveProblem, [{ field: 'waves', message: waveProblem }]);
    for (const [i, window] of (spec.maintenanceWindows ?? []).entries()) {
      const message = validateMaintenanceWindow(window);
      if (message) return problem(400, 'Invalid request', `maintenanceWindows[${i}]: ${message}`, [{ field: `maintenanceWindows[${i}]`, message }]);
    }
    const update = await deps.updates.get(spec.updateId);
    if (!update) {
      const { provider, name, version } = spec.updateId;
      return problem(422, 'Unknown update', `No update ${provider}/${name} ${version} is registered.`, [{ field: 'updateId', message: 'not registered' }]);
    }
    let devices;
    try {
      devices = await deps.fleet.queryDevices(spec.target);
    } catch (err) {
      if (err instanceof InvalidTargetQueryError) return problem(400, 'Invalid request', err.message, [{ field: 'target.query', message: err.message }]);
      throw err;
    }
    if ('deviceIds' in spec.target) {
      const known = new Set(devices.map((d) => d.deviceId));
      const unknown = spec.target.deviceIds.filter((id) => !known.has(id));
      if (unknown.length) return problem(422, 'Unknown devices', `Unknown device ids: ${unknown.slice(0, listedIncompatible).join(', ')}`, [{ field: 'target.deviceIds', message: `${unknown.length} unknown` }]);
    }
    if (devices.length === 0) return problem(422, 'No devices', 'The target matches no device.', [{ field: 'target', message: 'matches no device' }]);
    const incompatible = devices.filter((d) => !isCompatible(d.tags, update.compatibility));
    if (incompatible.length) {
      const ids = incompatible.slice(0, listedIncompatible).map((d) => `${d.deviceId} (${d.tags.model ?? 'no model'})`);
      return problem(422, 'Incompatible devices',
        `${incompatible.length} targeted devices are not compatible with ${spec.updateId.name} ${spec.updateId.version}: ${ids.join(', ')}${incompatible.length > listedIncompatible ? ', …' : ''}`,
        [{ field: 'target', message: `${incompatible.length} incompatible devices` }]);
    }
    const prerequisites = update.prerequisites ?? update.manifest?.prerequisites ?? [];
    const lacking = devices
      .map((d) => ({ deviceId: d.deviceId, missing: missingPrerequisites(d.software ?? {}, prerequisites.filter((p) => p.name !== spec.updateId.name)) }))
      .filter((d) => d.missing.length > 0);
    return { targeted: devices.length, lacking };
  }

  /**
   * One rollout per missing prerequisite, for the devices lacking it, using the lowest registered version that
   * satisfies every device's need. They start after the main rollout's approval, which waits for them.
   */
  async function planPrerequisites(spec: RolloutSpec, lacking: Lacking[], caller: string, now: string): Promise<HttpResponseInit | RolloutRecord[]> {
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
      if (!chosen) {
        const message = `no registered ${spec.updateId.provider}/${name} satisfies ${name} ≥ ${need.minVersion}`;
        return problem(422, 'Prerequisite not available', message, [{ field: 'sequencePrerequisites', message }]);
      }
      const prerequisiteSpec: RolloutSpec = { ...spec, updateId: chosen.updateId, target: { deviceIds: need.deviceIds }, approval: undefined, after: undefined };
      const checked = await check(prerequisiteSpec);
      if (!('targeted' in checked)) return checked;
      records.push(newRecord(prerequisiteSpec, caller, now, checked.targeted, 'Scheduled', `prerequisite of a rollout of ${spec.updateId.name} ${spec.updateId.version}; starts after its approval`));
    }
    return records;
  }

  return {
    async create(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      const json = await readJson(request);
      if (!json.ok) return json.response;
      return this.createFromBody(json.body, caller);
    },

    /** Creates and starts a rollout from a request body (the API, and import rules' automatic rollouts). */
    async createFromBody(body: unknown, caller: string): Promise<HttpResponseInit> {
      const parsed = rolloutRequestSchema.safeParse(body);
      if (!parsed.success) return validationProblem(parsed.error);
      const spec = toSpec(parsed.data);
      const checked = await check(spec);
      if (!('targeted' in checked)) return checked;
      const now = deps.now().toISOString();
      let prerequisites: RolloutRecord[] = [];
      if (checked.lacking.length > 0) {
        if (!parsed.data.sequencePrerequisites) {
          const listed = checked.lacking.slice(0, listedIncompatible).map((d) => `${d.deviceId} (${d.missing.map(describePrerequisite).join(', ')})`);
          return problem(422, 'Missing prerequisites',
            `${checked.lacking.length} targeted devices lack prerequisites of ${spec.updateId.name} ${spec.updateId.version}: ${listed.join(', ')}${checked.lacking.length > listedIncompatible ? ', …' : ''}. Send "sequencePrerequisites": true to install them first.`,
            [{ field: 'target', message: `${checked.lacking.length} devices lack prerequisites` }]);
        }
        const planned = await planPrerequisites(spec, checked.lacking, caller, now);
        if (!Array.isArray(planned)) return planned;
        prerequisites = planned;
      }
      const record = newRecord({ ...spec, ...(prerequisites.length ? { after: prerequisites.map((r) => r.id) } : {}) }, caller, now, checked.targeted,
        spec.approval ? 'PendingApproval' : 'Scheduled', spec.approval ? 'waiting for approval' : 'starting');
      for (const prerequisite of prerequisites) {
        await deps.rollouts.create(prerequisite);
        await recordCreated(prerequisite);
      }
      await deps.rollouts.create(record);
      await recordCreated(record);
      await deps.runner.start(record.id);
      return { status: 201, headers: { Location: `/api/rollouts/${record.id}` }, jsonBody: toRolloutView(record) };
    },

    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const rollout = await load(request);
      return 'spec' in rollout ? { status: 200, jsonBody: { ...toRolloutView(rollout), spec: rollout.spec } } : rollout;
    },

    /** One page, oldest first (see paging.ts). */
    async list(request: HttpRequest): Promise<HttpResponseInit> {
      const status = request.query.get('status') ?? undefined;
      if (status !== undefined && !allStatuses.includes(status as RolloutStatus)) {
        return problem(400, 'Invalid request', `status must be one of ${allStatuses.join(', ')}.`, [{ field: 'status', message: 'unknown status' }]);
      }
      const paging = pageQuery.safeParse({ limit: request.query.get('limit') ?? undefined, continuationToken: request.query.get('continuationToken') ?? undefined });
      if (!paging.success) return validationProblem(paging.error);
      try {
        const page = await deps.rollouts.listPage(status ? { status: status as RolloutStatus } : {}, paging.data);
        return pagedResponse(request, { ...page, items: page.items.map(toRolloutView) });
      } catch (err) {
        if (err instanceof InvalidContinuationTokenError) return problem(400, 'Invalid request', err.message, [{ field: 'continuationToken', message: 'not issued by this list' }]);
        throw err;
      }
    },

    async approve(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      const rollout = await load(request);
      if (!('spec' in rollout)) return rollout;
      const json = await readJson(request);
      if (!json.ok) return json.response;
      const parsed = approvalRequestSchema.safeParse(json.body);
      if (!parsed.success) return validationProblem(parsed.error);
      const stage = rollout.spec.approval?.stages[rollout.approvalStage ?? 0];
      if (!stage) return problem(409, 'No approval needed', `Rollout ${rollout.id} has no approval policy.`);
      if (rollout.status !== 'PendingApproval') return problem(409, 'Not awaiting approval', `Rollout ${rollout.id} is ${rollout.status}.`);
      const groups = principalFromHeaders(request.headers)?.groups ?? [];
      const allowed = checkApprover({ caller, callerGroups: groups, createdBy: rollout.createdBy, stage, decisions: rollout.approvals });
      if (!allowed.ok) return problem(allowed.status, allowed.status === 403 ? 'Not allowed to approve' : 'Already decided', allowed.reason);
      const delivered = await deps.runner.raise(rollout.id, eventNames.approval, { approver: caller, stage: stage.name, ...(groups.length ? { groups } : {}), ...parsed.data });
      if (!delivered) return problem(409, 'Not awaiting approval', `Rollout ${rollout.id} no longer waits for approval.`);
      return { status: 202, jsonBody: toRolloutView(rollout) };
    },

    async control(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      const action = request.params.action as ControlAction;
      const rollout = await load(request);
      if (!('spec' in rollout)) return rollout;
      if (!controlAllowed[action].includes(rollout.status)) {
        return problem(409, 'Not allowed now', `Cannot ${action} rollout ${rollout.id}: it is ${rollout.status}${finalRolloutStatuses.includes(rollout.status) ? ' (final)' : ''}.`);
      }
      const delivered = await deps.runner.raise(rollout.id, eventNames.control, { action, by: caller });
      if (!delivered) return problem(409, 'Not allowed now', `Rollout ${rollout.id} has finished.`);
      return { status: 202, jsonBody: toRolloutView(rollout) };
    },
  };
}
