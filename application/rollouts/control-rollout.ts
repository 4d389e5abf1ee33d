/** Use case: an operator pauses, resumes, cancels or rolls back a rollout (the rules: domain/rollouts/rollout-control.ts). */
import { controlRefusal, type ControlAction } from '../../domain/rollouts/rollout-control';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import type { RolloutStore } from '../../domain/rollouts/rollout-store-port';
import { ok, refuse, type Outcome } from '../outcome';
import type { RolloutEngine } from '../rollout-engine';

export function controlRolloutUseCase(deps: { rollouts: RolloutStore; engine: RolloutEngine }) {
  return async function controlRollout(rolloutId: string, action: ControlAction, by: string): Promise<Outcome<RolloutRecord>> {
    const rollout = await deps.rollouts.get(rolloutId);
    if (!rollout) return refuse('not-found', `No rollout '${rolloutId}'.`);
    const refusal = controlRefusal(action, rollout.status);
    if (refusal) return refuse('not-allowed-now', `Cannot ${action} rollout ${rollout.id}: ${refusal}.`);
    const delivered = await deps.engine.sendControl(rollout.id, { action, by });
    if (!delivered) return refuse('not-allowed-now', `Rollout ${rollout.id} has finished.`);
    return ok(rollout);
  };
}

export type ControlRollout = ReturnType<typeof controlRolloutUseCase>;
