/**
 * The durable client of one invocation behind the ports that need it: the use cases' RolloutEngine and the
 * activities' OrchestrationClient. The only code outside orchestrations/ that knows event and orchestrator names.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationClient } from '../activities/orchestration-activities';
import type { RolloutEngine } from '../application/rollout-engine';
import { eventNames, orchestratorNames } from '../orchestrations/contracts';

/** Declared by every function that uses durableClientFor (the host injects the client's connection details). */
export const durableClientInput = df.input.durableClient();

const activeStatuses: readonly string[] = ['Running', 'Pending', 'Suspended'];

/** The client is taken on first use, so a route that never signals an orchestration needs no durable input. */
export function durableClientFor(context: InvocationContext): OrchestrationClient {
  let taken: df.DurableClient | undefined;
  const client = () => (taken ??= df.getClient(context));
  return {
    async isActive(instanceId) {
      const status = await client().getStatus(instanceId).catch(() => undefined);
      return activeStatuses.includes(String(status?.runtimeStatus));
    },
    async exists(instanceId) {
      const status = await client().getStatus(instanceId).catch(() => undefined);
      return Boolean(status?.runtimeStatus);
    },
    async raise(instanceId, eventName, payload) {
      await client().raiseEvent(instanceId, eventName, payload);
    },
    async startRollout(rolloutId) {
      await client().startNew(orchestratorNames.rollout, { instanceId: rolloutId, input: { rolloutId } });
    },
  };
}

export function rolloutEngineFor(context: InvocationContext): RolloutEngine {
  const client = durableClientFor(context);
  /** The client rejects for a finished (410) or unknown (404) instance. */
  const deliver = (rolloutId: string, eventName: string, payload: unknown) =>
    client.raise(rolloutId, eventName, payload).then(() => true, () => false);
  return {
    start: (rolloutId) => client.startRollout(rolloutId),
    sendApproval: (rolloutId, approval) => deliver(rolloutId, eventNames.approval, approval),
    sendControl: (rolloutId, control) => deliver(rolloutId, eventNames.control, control),
  };
}
