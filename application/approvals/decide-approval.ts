/**
 * Use case: an approver decides on the rollout's current approval stage, through the API or a signed Teams link.
 * The one copy of the checks (the stage is still pending, the person may decide in it, once); the orchestration
 * applies the same domain rule again when the event arrives, so nothing that bypasses this layer can approve.
 */
import type { StageRef } from '../../domain/approvals/approval-link';
import type { LinkDecisionInput } from '../../domain/approvals/approval-link-use';
import { checkApprover } from '../../domain/rollouts/approval-rules';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import type { ApprovalStage } from '../../domain/rollouts/rollout-spec';
import type { RolloutStore } from '../../domain/rollouts/rollout-store-port';
import { ok, refuse, type Outcome } from '../outcome';
import type { RolloutEngine } from '../rollout-engine';

export interface ApprovalRequest {
  rolloutId: string;
  /** The stage the decision is for (a link names one); the current stage when absent. */
  stage?: StageRef;
  approver: string;
  /** The approver's Entra groups, for approver lists that name `group:<id>`. */
  groups?: readonly string[];
  decision: 'approve' | 'reject';
  comment?: string;
}

export function approvalUseCases(deps: { rollouts: RolloutStore; engine: RolloutEngine }) {
  /** The rollout and its current stage when it waits on `stage` (any stage when none is named). */
  async function pendingStage(rolloutId: string, stage?: StageRef): Promise<Outcome<{ rollout: RolloutRecord; current: ApprovalStage }>> {
    const rollout = await deps.rollouts.get(rolloutId);
    if (!rollout) return refuse('not-found', `No rollout '${rolloutId}'.`);
    const index = rollout.approvalStage ?? 0;
    const current = rollout.spec.approval?.stages[index];
    if (!current) return refuse('no-approval-policy', `Rollout ${rollout.id} has no approval policy.`);
    if (rollout.status !== 'PendingApproval') return refuse('not-awaiting-approval', `Rollout ${rollout.id} is ${rollout.status}.`);
    if (stage && (stage.index !== index || stage.name !== current.name)) return refuse('not-awaiting-approval', `Rollout ${rollout.id} no longer waits on stage '${stage.name}'.`);
    return ok({ rollout, current });
  }

  async function decide(request: ApprovalRequest): Promise<Outcome<RolloutRecord>> {
    const pending = await pendingStage(request.rolloutId, request.stage);
    if (!pending.ok) return pending;
    const { rollout, current } = pending.value;
    const groups = request.groups ?? [];
    const allowed = checkApprover({ caller: request.approver, callerGroups: groups, createdBy: rollout.createdBy, stage: current, decisions: rollout.approvals });
    if (!allowed.ok) return refuse(allowed.code, allowed.reason);
    const delivered = await deps.engine.sendApproval(rollout.id, {
      approver: request.approver, decision: request.decision, stage: current.name,
      ...(groups.length ? { groups: [...groups] } : {}), ...(request.comment ? { comment: request.comment } : {}),
    });
    if (!delivered) return refuse('not-awaiting-approval', `Rollout ${rollout.id} no longer waits for approval.`);
    return ok(rollout);
  }

  return {
    decide,
    async stageIsPending(rolloutId: string, stage: StageRef): Promise<boolean> {
      return (await pendingStage(rolloutId, stage)).ok;
    },
    /** A used link: a person's link speaks for that person; a group's link for the signed-in member who uses it. */
    async decideByLink(input: LinkDecisionInput): Promise<Outcome<RolloutRecord>> {
      const forGroup = input.approver.startsWith('group:');
      if (forGroup && !input.signedInAs) return refuse('sign-in-required', `this link is for the group ${input.approver}: sign in to use it`);
      return decide({
        rolloutId: input.rolloutId, stage: input.stage, decision: input.decision,
        approver: forGroup ? input.signedInAs! : input.approver,
        groups: forGroup ? (input.signedInGroups ?? []) : [],
        ...(input.comment ? { comment: input.comment } : {}),
      });
    },
  };
}

export type ApprovalUseCases = ReturnType<typeof approvalUseCases>;
