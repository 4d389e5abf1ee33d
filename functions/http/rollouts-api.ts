/** The rollout API: create, read, list, approve, and control (pause / resume / cancel / rollback). */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { InvalidTargetQueryError, type DeviceTarget, type FleetPort } from '../../domain/fleet/fleet-port';
import { validateMaintenanceWindow } from '../../domain/rollouts/maintenance-window';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import type { RolloutSpec } from '../../domain/rollouts/rollout-spec';
import { finalRolloutStatuses, type RolloutStatus } from '../../domain/rollouts/rollout-status';
import type { RolloutStore, UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { toRolloutView } from '../../domain/rollouts/rollout-view';
import { validateWaveSpecs } from '../../domain/rollouts/wave-planner';
import { isCompatible } from '../../domain/updates/update';
import { eventNames, type ControlAction } from '../../orchestrations/contracts';
import { callerName } from './caller';
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
    failureThreshold: body.failureThreshold,
    ...(body.approval ? { approval: { approvers: body.approval.approvers, timeoutMs: body.approval.timeout } } : {}),
    ...(body.maintenanceWindows ? { maintenanceWindows: body.maintenanceWindows.map(({ duration, ...w }) => ({ ...w, durationMs: duration })) } : {}),
    ...(body.maxDevicesPerSecond ? { maxDevicesPerSecond: body.maxDevicesPerSecond } : {}),
  };
}

export function createRolloutsApi(deps: { rollouts: RolloutStore; updates: UpdateStore; fleet: FleetPort; runner: RolloutRunner; now: () => Date }) {
  const unauthenticated = () => problem(401, 'Unauthenticated', 'Sign in: the x-ms-client-principal-name header (App Service authentication) is missing.');

  async function load(request: HttpRequest): Promise<RolloutRecord | HttpResponseInit> {
    const rollout = await deps.rollouts.get(request.params.id ?? '');
    return rollout ?? problem(404, 'Not found', `No rollout '${request.params.id}'.`);
  }

  /** Semantic checks the schema cannot make; returns a problem, or the validated spec and device count. */
  async function check(spec: RolloutSpec): Promise<HttpResponseInit | { targeted: number }> {
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
    return { targeted: devices.length };
  }

  return {
    async create(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      const json = await readJson(request);
      if (!json.ok) return json.response;
      const parsed = rolloutRequestSchema.safeParse(json.body);
      if (!parsed.success) return validationProblem(parsed.error);
      const spec = toSpec(parsed.data);
      const checked = await check(spec);
      if (!('targeted' in checked)) return checked;
      const now = deps.now().toISOString();
      const record: RolloutRecord = {
        id: `ro-${randomUUID()}`, spec, status: spec.approval ? 'PendingApproval' : 'Scheduled',
        reason: spec.approval ? 'waiting for approval' : 'starting', createdBy: caller, createdAt: now, updatedAt: now,
        currentWave: -1, waves: [], approvals: [], targetedCount: checked.targeted,
      };
      await deps.rollouts.create(record);
      await deps.runner.start(record.id);
      return { status: 201, headers: { Location: `/api/rollouts/${record.id}` }, jsonBody: toRolloutView(record) };
    },

    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const rollout = await load(request);
      return 'spec' in rollout ? { status: 200, jsonBody: { ...toRolloutView(rollout), spec: rollout.spec } } : rollout;
    },

    async list(request: HttpRequest): Promise<HttpResponseInit> {
      const status = request.query.get('status') ?? undefined;
      if (status !== undefined && !allStatuses.includes(status as RolloutStatus)) {
        return problem(400, 'Invalid request', `status must be one of ${allStatuses.join(', ')}.`, [{ field: 'status', message: 'unknown status' }]);
      }
      const rollouts = await deps.rollouts.list(status ? { status: status as RolloutStatus } : undefined);
      return { status: 200, jsonBody: rollouts.map(toRolloutView) };
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
      const approvers = rollout.spec.approval?.approvers ?? [];
      if (!approvers.some((a) => a.toLowerCase() === caller.toLowerCase())) {
        return problem(403, 'Not an approver', `${caller} is not an approver of rollout ${rollout.id}.`);
      }
      if (rollout.status !== 'PendingApproval') return problem(409, 'Not awaiting approval', `Rollout ${rollout.id} is ${rollout.status}.`);
      const delivered = await deps.runner.raise(rollout.id, eventNames.approval, { approver: caller, ...parsed.data });
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
