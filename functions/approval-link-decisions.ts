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
      // A link for a group speaks for the signed-in member who uses it; a person's link for that person.
      const forGroup = input.approver.startsWith('group:');
      if (forGroup && !input.signedInAs) return { ok: false, status: 401, reason: `this link is for the group ${input.approver}: sign in to use it` };
      const person = forGroup ? input.signedInAs! : input.approver;
      const groups = forGroup ? (input.signedInGroups ?? []) : [];
      const allowed = checkApprover({ caller: person, callerGroups: groups, createdBy: found.rollout.createdBy, stage: found.stage, decisions: found.rollout.approvals });
      if (!allowed.ok) return { ok: false, status: allowed.status, reason: allowed.reason };
      try {
        await df.getClient(context).raiseEvent(input.rolloutId, eventNames.approval, {
          approver: person, decision: input.decision, stage: input.stage.name, ...(groups.length ? { groups } : {}), ...(input.comment ? { comment: input.comment } : {}),
        });
        return { ok: true };
      } catch {
        return { ok: false, status: 409, reason: `rollout ${input.rolloutId} has finished` };
      }
    },
  };
}
