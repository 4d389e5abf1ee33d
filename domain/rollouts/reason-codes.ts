/**
 * Why a rollout is where it is, as a stable code next to the human `reason`. Stored and shown by the API: never
 * rename one. Code decides on codes (audit, events, tests), never on the prose of a reason.
 *
 * | code                     | status it comes with        | meaning                                                        |
 * |--------------------------|-----------------------------|----------------------------------------------------------------|
 * | `created`                | Scheduled, PendingApproval  | created, the orchestration has not started yet                 |
 * | `awaiting-approval`      | PendingApproval             | waiting for an approval stage (quorum of approvers)            |
 * | `approval-rejected`      | Rejected                    | an approver said no; no device was touched                     |
 * | `approval-expired`       | Expired                     | a stage was not approved before it expired; no device touched  |
 * | `awaiting-prerequisites` | Scheduled                   | waiting for the rollouts named in `after` to complete          |
 * | `prerequisite-failed`    | Failed                      | a prerequisite rollout ended other than Completed              |
 * | `planning`               | Scheduled                   | resolving target devices and planning the canary and waves     |
 * | `no-devices`             | Failed                      | no device matches the target                                   |
 * | `dispatching`            | InProgress                  | a wave (or the canary) is being sent to its devices            |
 * | `soaking`                | InProgress                  | a wave is sent; its devices are watched until its soak ends    |
 * | `maintenance-window`     | InProgress                  | a batch waits for its site's maintenance window to open        |
 * | `hub-unavailable`        | InProgress, RollingBack     | IoT Hub refuses for now (circuit open); the batch is sent again|
 * | `soak-extended`          | InProgress                  | the cohort analysis was inconclusive; the soak was extended    |
 * | `wave-promoted`          | InProgress                  | a wave soaked healthy and was promoted                         |
 * | `paused`                 | Paused                      | an operator paused it; the soak clock stops                    |
 * | `resumed`                | InProgress                  | an operator resumed it; the soak continues where it stopped    |
 * | `analysis-inconclusive`  | Paused                      | the analysis stayed inconclusive: a person must decide         |
 * | `cancelled`              | Cancelled                   | an operator cancelled it; devices keep what they have          |
 * | `rollback-requested`     | RollingBack                 | an operator asked for a roll back                              |
 * | `threshold-percent`      | RollingBack                 | the share of failed devices went above the percent threshold   |
 * | `threshold-count`        | RollingBack                 | the number of failed devices reached the count limit           |
 * | `analysis-failed`        | RollingBack                 | the cohort analysis found a critical regression                |
 * | `activity-failed`        | RollingBack, Failed         | a step kept failing after its retries (the reason names it)    |
 * | `orchestration-error`    | RollingBack, Failed         | the orchestration itself hit an unexpected error               |
 * | `completed`              | Completed                   | the canary and every wave were promoted                        |
 * | `rolled-back`            | RolledBack                  | every touched device was verified back on its previous version |
 * | `rollback-unverified`    | Failed                      | some touched devices did not report their previous version     |
 *
 * Silent devices (past the device timeout) and unhealthy ones count as failures towards the thresholds.
 */
export const reasonCodes = [
  'created',
  'awaiting-approval',
  'approval-rejected',
  'approval-expired',
  'awaiting-prerequisites',
  'prerequisite-failed',
  'planning',
  'no-devices',
  'dispatching',
  'soaking',
  'maintenance-window',
  'hub-unavailable',
  'soak-extended',
  'wave-promoted',
  'paused',
  'resumed',
  'analysis-inconclusive',
  'cancelled',
  'rollback-requested',
  'threshold-percent',
  'threshold-count',
  'analysis-failed',
  'activity-failed',
  'orchestration-error',
  'completed',
  'rolled-back',
  'rollback-unverified',
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

/** Codes that start a roll back because the wave's devices crossed a failure threshold. */
export const thresholdCodes: readonly ReasonCode[] = ['threshold-percent', 'threshold-count'];

export function isThresholdCode(code: ReasonCode | undefined): boolean {
  return code !== undefined && thresholdCodes.includes(code);
}
