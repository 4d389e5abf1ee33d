/**
 * Phases of a rollout and of its waves. Stored values: never rename one.
 * Rollout:
 * - PendingApproval: waiting for an approver (or the approval to expire)
 * - Scheduled: approved, waiting for a maintenance window
 * - InProgress: dispatching or soaking a wave
 * - Paused: an operator paused it; nothing new is dispatched until resumed
 * - Completed: every wave promoted
 * - RollingBack: compensating: restoring touched devices, newest wave first
 * - RolledBack: every touched device verified back on its previous version
 * - Cancelled: stopped by an operator; devices keep what they have
 * - Rejected: an approver said no; no device was touched
 * - Expired: nobody approved in time; no device was touched
 * - Failed: the service could not finish (e.g. restore not verified); `reason` says why
 */
export type RolloutStatus =
  | 'PendingApproval'
  | 'Scheduled'
  | 'InProgress'
  | 'Paused'
  | 'Completed'
  | 'RollingBack'
  | 'RolledBack'
  | 'Cancelled'
  | 'Rejected'
  | 'Expired'
  | 'Failed';

export const finalRolloutStatuses: readonly RolloutStatus[] = ['Completed', 'RolledBack', 'Cancelled', 'Rejected', 'Expired', 'Failed'];

/**
 * Wave phases: NotStarted → Dispatching → Soaking → Promoted | Failed; later RolledBack when compensated.
 */
export type WaveStatus = 'NotStarted' | 'Dispatching' | 'Soaking' | 'Promoted' | 'Failed' | 'RolledBack';

/**
 * A device's state within one rollout. Stored values:
 * pending (planned, not sent) → dispatched → succeeded | failed | unhealthy | silent; on roll back → restored.
 */
export type DeviceRolloutState = 'pending' | 'dispatched' | 'succeeded' | 'failed' | 'unhealthy' | 'silent' | 'restored';

export function isFinal(status: RolloutStatus): boolean {
  return finalRolloutStatuses.includes(status);
}
