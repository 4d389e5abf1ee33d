/**
 * Who may decide in an approval stage: a listed approver of the current stage, never the rollout's creator
 * (separation of duties), and each person once across all stages. Names compare case-insensitively.
 */
import type { ApprovalDecision } from './rollout-record';
import type { ApprovalStage } from './rollout-spec';

export type ApprovalRefusalCode = 'creator-cannot-approve' | 'not-an-approver' | 'already-decided';
export type ApprovalCheck = { ok: true } | { ok: false; code: ApprovalRefusalCode; reason: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Approvers are people (names) or groups written `group:<Entra group object id>`. */
export function isListedApprover(approvers: readonly string[], caller: string, callerGroups: readonly string[] = []): boolean {
  return approvers.some((a) => same(a, caller) || (a.startsWith('group:') && callerGroups.includes(a.slice('group:'.length))));
}

export function checkApprover(input: { caller: string; callerGroups?: readonly string[]; createdBy: string; stage: ApprovalStage; decisions: readonly ApprovalDecision[] }): ApprovalCheck {
  const { caller, createdBy, stage, decisions } = input;
  if (same(caller, createdBy)) return { ok: false, code: 'creator-cannot-approve', reason: `separation of duties: ${caller} created this rollout and cannot approve it` };
  if (!isListedApprover(stage.approvers, caller, input.callerGroups)) return { ok: false, code: 'not-an-approver', reason: `${caller} is not an approver of stage '${stage.name}'` };
  const earlier = decisions.find((d) => same(d.approver, caller));
  if (earlier) return { ok: false, code: 'already-decided', reason: `${caller} already decided (${earlier.decision}${earlier.stage ? ` in stage '${earlier.stage}'` : ''}); a person counts once` };
  return { ok: true };
}

/** Distinct approvals of a stage so far, and whether its quorum is met. */
export function stageProgress(stage: ApprovalStage, decisions: readonly ApprovalDecision[]): { approvals: number; met: boolean } {
  const approvers = new Set(decisions.filter((d) => d.stage === stage.name && d.decision === 'approve').map((d) => d.approver.toLowerCase()));
  return { approvals: approvers.size, met: approvers.size >= stage.quorum };
}
