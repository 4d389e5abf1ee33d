/**
 * Activities that steer other orchestration instances: forward a control event to the running wave, start
 * prerequisite rollouts, start an import rule's automatic rollout. Built per invocation from its durable client.
 */
import type { ImportRuleStore } from '../domain/imports/import-ports';
import type { UpdateId } from '../domain/updates/update';
import { eventNames, type ActivityInput, type ActivityOutput } from '../orchestrations/contracts';

/** What these activities need of Durable Functions' client. */
export interface OrchestrationClient {
  /** Running, pending or suspended. */
  isActive(instanceId: string): Promise<boolean>;
  /** Started at some point (whatever its status now). */
  exists(instanceId: string): Promise<boolean>;
  raise(instanceId: string, eventName: string, payload: unknown): Promise<void>;
  startRollout(rolloutId: string): Promise<void>;
}

export type StartAutomaticRollout = (ruleId: string, updateId: UpdateId, body: Record<string, unknown>) => Promise<{ rolloutId: string } | { refused: string }>;

export function createOrchestrationActivities(client: OrchestrationClient) {
  return {
    /** Delivered only to a wave that still runs; a finished wave has nothing left to obey. */
    async forwardControl(input: ActivityInput<'forwardControl'>): Promise<ActivityOutput<'forwardControl'>> {
      if (!(await client.isActive(input.instanceId))) return { delivered: false };
      await client.raise(input.instanceId, eventNames.control, input.event);
      return { delivered: true };
    },
    /** Idempotent: a rollout started before (a re-run of this activity) is left alone. */
    async startRollouts(input: ActivityInput<'startRollouts'>): Promise<ActivityOutput<'startRollouts'>> {
      for (const rolloutId of input.rolloutIds) {
        if (!(await client.exists(rolloutId))) await client.startRollout(rolloutId);
      }
      return null;
    },
  };
}

/** The import rule's automatic rollout, if it has one: the rollout id, or why it was refused. */
export function startAutoRolloutActivity(deps: { rules: ImportRuleStore; startAutomaticRollout: StartAutomaticRollout }) {
  return async ({ ruleId, updateId }: { ruleId: string; updateId: UpdateId }): Promise<{ rolloutId?: string; refused?: string } | null> => {
    const rule = await deps.rules.get(ruleId);
    if (!rule?.autoRollout) return null;
    return deps.startAutomaticRollout(ruleId, updateId, rule.autoRollout);
  };
}
