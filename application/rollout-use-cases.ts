/** The rollout use cases, built together over one engine (per invocation: the engine wraps its durable client). */
import type { RecordLifecycle } from '../domain/audit/lifecycle-step';
import type { FleetPort } from '../domain/fleet/fleet-port';
import type { RolloutStore, UpdateStore } from '../domain/rollouts/rollout-store-port';
import { approvalUseCases } from './approvals/decide-approval';
import { automaticRolloutUseCase } from './rollouts/automatic-rollout';
import { controlRolloutUseCase } from './rollouts/control-rollout';
import { createRolloutUseCase } from './rollouts/create-rollout';
import type { RolloutEngine } from './rollout-engine';

export interface RolloutUseCaseDeps {
  rollouts: RolloutStore;
  updates: UpdateStore;
  fleet: FleetPort;
  engine: RolloutEngine;
  now: () => Date;
  newId: () => string;
  lifecycle?: RecordLifecycle;
}

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
