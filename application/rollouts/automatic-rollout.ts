/**
 * Use case: the rollout an import rule asks for when it imports an update (`autoRollout` in the rule). Made once per
 * rule and update: a re-run of the import (a retried activity, a redelivered event) finds the rollout it made before.
 */
import type { RolloutStore } from '../../domain/rollouts/rollout-store-port';
import type { UpdateId } from '../../domain/updates/update';
import type { CreateRollout } from './create-rollout';

export type AutomaticRolloutResult = { rolloutId: string } | { refused: string; code: string };

export function automaticRolloutUseCase(deps: { rollouts: RolloutStore; createRollout: CreateRollout }) {
  return async function startAutomaticRollout(ruleId: string, updateId: UpdateId, body: Record<string, unknown>): Promise<AutomaticRolloutResult> {
    const creator = `import-rule:${ruleId}`;
    const earlier = await deps.rollouts.findCreatedBy(creator, updateId);
    if (earlier) return { rolloutId: earlier };
    const created = await deps.createRollout({ ...body, updateId }, creator);
    return created.ok ? { rolloutId: created.value.id } : { refused: created.refusal.message, code: created.refusal.code };
  };
}

export type StartAutomaticRollout = ReturnType<typeof automaticRolloutUseCase>;
