/**
 * Which lifecycle steps (audit actions and CloudEvents) a rollout progress update amounts to. Decided on statuses
 * and reason codes, never on the prose of a reason.
 */
import type { AuditAction } from '../domain/audit/audit-entry';
import { isThresholdCode } from '../domain/rollouts/reason-codes';
import type { RolloutRecord } from '../domain/rollouts/rollout-record';
import type { RolloutStatus } from '../domain/rollouts/rollout-status';
import type { ProgressUpdate } from '../orchestrations/contracts';
import type { LifecycleStep } from './lifecycle';

const statusActions: Partial<Record<RolloutStatus, AuditAction>> = {
  Paused: 'rollout.paused',
  Cancelled: 'rollout.cancelled',
  Completed: 'rollout.completed',
  Failed: 'rollout.failed',
  Rejected: 'rollout.rejected',
  Expired: 'rollout.expired',
  RollingBack: 'rollback.started',
  RolledBack: 'rollback.verified',
};

function actionFor(previous: RolloutStatus, next: RolloutStatus): AuditAction | undefined {
  // Scheduled: resumed before the canary started (a pause accepted while Scheduled).
  if (previous === 'Paused' && (next === 'InProgress' || next === 'Scheduled')) return 'rollout.resumed';
  if (previous === 'PendingApproval' && next === 'Scheduled') return 'rollout.approved';
  return statusActions[next];
}

export function progressSteps(previous: RolloutRecord, update: ProgressUpdate): LifecycleStep[] {
  const subject = `rollouts/${update.rolloutId}`;
  const base = { subject, at: update.at, actor: update.actor ?? 'system' };
  const steps: LifecycleStep[] = [];
  if (update.approval) {
    const given = update.approval.decision === 'approve';
    steps.push({
      ...base, actor: update.approval.approver, stepId: `${update.rolloutId}:approval:${update.approval.approver}`,
      action: given ? 'approval.given' : 'approval.refused', eventType: 'Contoso.Ota.ApprovalDecided',
      details: { stage: update.approval.stage, decision: update.approval.decision, comment: update.approval.comment },
    });
  }
  if (update.wave && (update.wave.status === 'Dispatching' || update.wave.status === 'Promoted')) {
    const action: AuditAction = update.wave.status === 'Dispatching' ? 'wave.started' : 'wave.promoted';
    steps.push({ ...base, stepId: `${update.rolloutId}:wave:${update.wave.index}:${update.wave.status}`, action, eventType: 'Contoso.Ota.WaveStatusChanged', details: { wave: update.wave.index, status: update.wave.status } });
  }
  if (update.status && update.status !== previous.status) {
    const action = actionFor(previous.status, update.status);
    if (action === 'rollback.started' && isThresholdCode(update.reasonCode)) {
      steps.push({
        ...base, stepId: `${update.rolloutId}:threshold:${update.at}`, action: 'threshold.crossed', eventType: 'Contoso.Ota.RolloutStatusChanged',
        details: { reasonCode: update.reasonCode, reason: update.reason },
      });
    }
    if (action) {
      steps.push({
        ...base, stepId: `${update.rolloutId}:${update.status}:${update.at}`, action, eventType: 'Contoso.Ota.RolloutStatusChanged',
        details: { from: previous.status, to: update.status, reasonCode: update.reasonCode, reason: update.reason },
      });
    }
  }
  return steps;
}
