/**
 * What a used approval link does: the same checks as POST /api/rollouts/{id}/approvals (the current stage, the
 * creator cannot approve, a person counts once), then the durable approval event.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DecideResult, LinkDecisionInput } from '../domain/approvals/approval-link-use';
import type { StageRef } from '../domain/approvals/approval-link';
import { checkApprover } from '../domain/rollouts/approval-rules';
import type { RolloutStore } from '../domain/rollouts/rollout-store-port';
import { eventNames } from '../orchestrations/contracts';

export function createLinkDecisions(rollouts: RolloutStore) {
  const currentStage = async (rolloutId: string, stage: StageRef) => {
    const rollout = await rollouts.get(rolloutId);
    const current = rollout?.spec.approval?.stages[stage.index];
    const pending = rollout?.status === 'PendingApproval' && (rollout.approvalStage ?? 0) === stage.index && current?.name === stage.name;
    return pending ? { rollout, stage: current } : undefined;
  };
  return {
    async stageIsPending(rolloutId: string, stage: StageRef): Promise<boolean> {
      return (await currentStage(rolloutId, stage)) !== undefined;
    },
    async decide(input: LinkDecisionInput, context: InvocationContext): Promise<DecideResult> {
      const found = await currentStage(input.rolloutId, input.stage);
      if (!found) return { ok: false, status: 409, reason: `rollout ${input.rolloutId} no longer waits on stage '${input.stage.name}'` };
      const allowed = checkApprover({ caller: input.approver, createdBy: found.rollout.createdBy, stage: found.stage, decisions: found.rollout.approvals });
      if (!allowed.ok) return { ok: false, status: allowed.status, reason: allowed.reason };
      try {
        await df.getClient(context).raiseEvent(input.rolloutId, eventNames.approval, {
          approver: input.approver, decision: input.decision, stage: input.stage.name, ...(input.comment ? { comment: input.comment } : {}),
        });
        return { ok: true };
      } catch {
        return { ok: false, status: 409, reason: `rollout ${input.rolloutId} has finished` };
      }
    },
  };
}
