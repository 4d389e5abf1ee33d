/** Registers the rollout orchestrations and their activities with the Functions runtime (the HTTP API: routes.ts). */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { createOrchestrationActivities } from '../activities/orchestration-activities';
import { createRolloutActivities, type RolloutPorts } from '../activities/rollout-activities';
import { orchestratorNames, type ActivityInput, type ActivityName } from '../orchestrations/contracts';
import { rollbackOrchestrator } from '../orchestrations/rollback-orchestrator';
import { rolloutOrchestrator } from '../orchestrations/rollout-orchestrator';
import { waveOrchestrator } from '../orchestrations/wave-orchestrator';
import { noObservability } from '../domain/observability/observability-port';
import { durableClientFor, durableClientInput } from './durable-engine';

export function registerRollouts(ports: RolloutPorts): void {
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
  // These two steer other instances, so they are built per invocation from its durable client.
  df.app.activity('forwardControl', {
    extraInputs: [durableClientInput],
    handler: (input: ActivityInput<'forwardControl'>, context: InvocationContext) => createOrchestrationActivities(durableClientFor(context)).forwardControl(input),
  });
  df.app.activity('startRollouts', {
    extraInputs: [durableClientInput],
    handler: (input: ActivityInput<'startRollouts'>, context: InvocationContext) => createOrchestrationActivities(durableClientFor(context)).startRollouts(input),
  });
}
