/** Registers the rollout orchestrations, activities and HTTP API with the Functions runtime. */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { createRolloutActivities, type RolloutPorts } from '../activities/rollout-activities';
import { orchestratorNames, type ActivityInput, type ActivityName } from '../orchestrations/contracts';
import { rollbackOrchestrator } from '../orchestrations/rollback-orchestrator';
import { rolloutOrchestrator } from '../orchestrations/rollout-orchestrator';
import { waveOrchestrator } from '../orchestrations/wave-orchestrator';
import { createDevicesApi } from './http/devices-api';
import { createRolloutsApi, type RolloutRunner } from './http/rollouts-api';
import { createUpdatesApi } from './http/updates-api';
import type { Permission } from '../domain/access/roles';
import type { PrincipalOptions } from './http/principal';
import { secured, type SecuredHandler } from './http/secured';
import { maxRolloutBodyBytes } from './http/request-limits';
import type { UpdateId } from '../domain/updates/update';
import { noObservability } from '../domain/observability/observability-port';

const durableClient = df.input.durableClient();

/** The durable client of one invocation, as the API's RolloutRunner. */
function runnerFor(context: InvocationContext): RolloutRunner {
  const client = df.getClient(context);
  return {
    async start(rolloutId) {
      await client.startNew(orchestratorNames.rollout, { instanceId: rolloutId, input: { rolloutId } });
    },
    async raise(rolloutId, eventName, payload) {
      try {
        await client.raiseEvent(rolloutId, eventName, payload);
        return true;
      } catch {
        return false; // the client rejects for a finished (410) or unknown (404) instance
      }
    },
  };
}

/**
 * Creates and starts a rollout of `updateId` from a body, as the API does, for another function (import rules'
 * automatic rollouts). Once per caller and update: a re-run finds the rollout it made before.
 */
export type RolloutStarter = (updateId: UpdateId, body: Record<string, unknown>, caller: string, context: InvocationContext) => Promise<{ rolloutId: string } | { refused: string }>;

export function rolloutStarter(ports: RolloutPorts, now: () => Date = () => new Date()): RolloutStarter {
  return async (updateId, body, caller, context) => {
    const earlier = await ports.rollouts.findCreatedBy(caller, updateId);
    if (earlier) return { rolloutId: earlier };
    const response = await createRolloutsApi({ ...ports, runner: runnerFor(context), now }).createFromBody({ ...body, updateId }, caller);
    const answer = response.jsonBody as { id?: string; detail?: string } | undefined;
    return response.status === 201 && answer?.id ? { rolloutId: answer.id } : { refused: answer?.detail ?? `status ${response.status}` };
  };
}

export function registerRollouts(ports: RolloutPorts, access: PrincipalOptions = {}, now: () => Date = () => new Date()): void {
  df.app.orchestration(orchestratorNames.rollout, rolloutOrchestrator);
  df.app.orchestration(orchestratorNames.wave, waveOrchestrator);
  df.app.orchestration(orchestratorNames.rollback, rollbackOrchestrator);

  const activities = createRolloutActivities(ports);
  // Everything an activity of a rollout causes (its Cosmos, Blob and IoT Hub calls) is telemetry of that rollout.
  const observability = ports.observability ?? noObservability;
  for (const [name, handler] of Object.entries(activities) as [ActivityName, (input: never) => Promise<unknown>][]) {
    df.app.activity(name, {
      handler: (input: unknown) => {
        const rolloutId = (input as { rolloutId?: unknown } | null)?.rolloutId;
        return typeof rolloutId === 'string' ? observability.withinRollout(rolloutId, () => handler(input as never)) : handler(input as never);
      },
    });
  }
  df.app.activity('forwardControl', {
    extraInputs: [durableClient],
    handler: async (input: ActivityInput<'forwardControl'>, context: InvocationContext) => {
      const client = df.getClient(context);
      const status = await client.getStatus(input.instanceId);
      if (!status || !['Running', 'Pending', 'Suspended'].includes(String(status.runtimeStatus))) return { delivered: false };
      await client.raiseEvent(input.instanceId, 'Control', input.event);
      return { delivered: true };
    },
  });

  df.app.activity('startRollouts', {
    extraInputs: [durableClient],
    handler: async (input: ActivityInput<'startRollouts'>, context: InvocationContext) => {
      const client = df.getClient(context);
      for (const rolloutId of input.rolloutIds) {
        const status = await client.getStatus(rolloutId).catch(() => undefined);
        if (!status?.runtimeStatus) await client.startNew(orchestratorNames.rollout, { instanceId: rolloutId, input: { rolloutId } });
      }
      return null;
    },
  });

  const updates = createUpdatesApi({ updates: ports.updates, now });
  const devices = createDevicesApi({ fleet: ports.fleet, ...(ports.health ? { health: ports.health } : {}) });
  const withRunner = (handler: (api: ReturnType<typeof createRolloutsApi>, request: HttpRequest) => Promise<HttpResponseInit>) =>
    (request: HttpRequest, context: InvocationContext) =>
      handler(createRolloutsApi({ ...ports, runner: runnerFor(context), now }), request);
  const route = (name: string, methods: ('GET' | 'POST')[], path: string, permission: Permission, handler: SecuredHandler, maxBodyBytes?: number) =>
    app.http(name, { methods, route: path, authLevel: 'anonymous', extraInputs: [durableClient], handler: secured(permission, handler, { ...access, ...(maxBodyBytes ? { maxBodyBytes } : {}) }) });

  route('registerUpdate', ['POST'], 'updates', 'updates.write', (request) => updates.register(request));
  route('getUpdate', ['GET'], 'updates/{provider}/{name}/{version}', 'updates.read', (request) => updates.get(request));
  route('createRollout', ['POST'], 'rollouts', 'rollouts.create', withRunner((api, request) => api.create(request)), maxRolloutBodyBytes);
  route('listRollouts', ['GET'], 'rollouts', 'rollouts.read', withRunner((api, request) => api.list(request)));
  route('getRollout', ['GET'], 'rollouts/{id}', 'rollouts.read', withRunner((api, request) => api.get(request)));
  route('approveRollout', ['POST'], 'rollouts/{id}/approvals', 'rollouts.approve', withRunner((api, request) => api.approve(request)));
  route('controlRollout', ['POST'], 'rollouts/{id}/{action:regex(^(pause|resume|cancel|rollback)$)}', 'rollouts.control', withRunner((api, request) => api.control(request)));
  route('getDevice', ['GET'], 'devices/{id}', 'devices.read', (request) => devices.get(request));
}
