/** The rollout use cases, built together over one engine (per invocation: the engine wraps its durable client). */
import { approvalUseCases } from './approvals/decide-approval';
import { automaticRolloutUseCase } from './rollouts/automatic-rollout';
import { controlRolloutUseCase } from './rollouts/control-rollout';
import { createRolloutUseCase, type CreateRolloutDeps } from './rollouts/create-rollout';

/** The same ports as creating a rollout: every use case needs a subset of them. */
export type RolloutUseCaseDeps = CreateRolloutDeps;

export function rolloutUseCases(deps: RolloutUseCaseDeps) {
  const createRollout = createRolloutUseCase(deps);
  return {
    createRollout,
    approvals: approvalUseCases(deps),
    controlRollout: controlRolloutUseCase(deps),
    startAutomaticRollout: automaticRolloutUseCase({ rollouts: deps.rollouts, createRollout }),
  };
}

export type RolloutUseCases = ReturnType<typeof rolloutUseCases>;
