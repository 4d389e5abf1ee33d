/**
 * What an operator may do to a rollout in each status: the one copy of the control state machine, read by the
 * application layer (to refuse early with a clear reason) and documented here.
 *
 * | action   | allowed while                                   | what follows                                   |
 * |----------|-------------------------------------------------|------------------------------------------------|
 * | pause    | Scheduled, InProgress                           | Paused: nothing new is sent, the soak clock stops |
 * | resume   | Paused                                          | InProgress: the wave carries on where it stopped |
 * | cancel   | PendingApproval, Scheduled, InProgress, Paused  | Cancelled: devices keep what they have          |
 * | rollback | InProgress, Paused                              | RollingBack, then RolledBack (or Failed)        |
 */
import { finalRolloutStatuses, type RolloutStatus } from './rollout-status';

export type ControlAction = 'pause' | 'resume' | 'cancel' | 'rollback';
export const controlActions: readonly ControlAction[] = ['pause', 'resume', 'cancel', 'rollback'];

const allowedWhile: Readonly<Record<ControlAction, readonly RolloutStatus[]>> = {
  pause: ['Scheduled', 'InProgress'],
  resume: ['Paused'],
  cancel: ['PendingApproval', 'Scheduled', 'InProgress', 'Paused'],
  rollback: ['InProgress', 'Paused'],
};

/** Every status, in lifecycle order (the list filter's allowed values). */
export const allRolloutStatuses: readonly RolloutStatus[] = [
  'PendingApproval', 'Scheduled', 'InProgress', 'Paused', 'Completed', 'RollingBack', 'RolledBack', 'Cancelled', 'Rejected', 'Expired', 'Failed',
];

export function isRolloutStatus(value: string): value is RolloutStatus {
  return (allRolloutStatuses as readonly string[]).includes(value);
}

/** undefined when the action is allowed now, else why not. */
export function controlRefusal(action: ControlAction, status: RolloutStatus): string | undefined {
  if (allowedWhile[action].includes(status)) return undefined;
  const final = finalRolloutStatuses.includes(status);
  return `it is ${status}${final ? ' (final)' : ''}; ${action} is allowed only while ${allowedWhile[action].join(' or ')}`;
}

/**
 * Control events a wave must obey before it sends anything (accepted while no wave could take them): a cancel or
 * roll back, and the latest pause or resume, the only one of those that counts. At most two, whatever was sent.
 */
export function carry<E extends { action: ControlAction }>(carried: readonly E[], event: E): E[] {
  const ending = carried.find((e) => e.action === 'cancel' || e.action === 'rollback');
  if (event.action === 'cancel' || event.action === 'rollback') return ending ? [ending] : [event];
  return ending ? [ending, event] : [event];
}
