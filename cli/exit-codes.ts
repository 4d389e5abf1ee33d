/**
 * The CLI's exit codes: a script tells what happened from the code alone (docs/cli.md lists them). Stable values:
 * never renumber one.
 */
import type { RolloutStatus } from '../domain/rollouts/rollout-status';

export const exitCodes = {
  ok: 0,
  /** Something the CLI did not expect (its message says what). */
  unexpected: 1,
  /** A wrong command line: unknown command or option, a missing argument. */
  usage: 2,
  /** Not signed in (401) or the caller's role does not grant the action (403). */
  refused: 3,
  /** The thing asked for does not exist (404). */
  notFound: 4,
  /** The service refused the request as it stands (400, 409, 422, …): the message lists why. */
  rejected: 5,
  /** Nothing answered at --url (connection refused, unknown host, timeout). */
  unreachable: 6,
  /** The service failed (5xx). */
  serviceError: 7,
  /** A file given to the CLI cannot be read or parsed. */
  badFile: 8,
  /** `audit verify` found a broken link in the audit trail. */
  auditBroken: 9,
} as const;

/** `rollouts watch` ends with the rollout's final status; Completed is success. */
export const finalStatusExitCodes: Readonly<Record<Extract<RolloutStatus, 'Completed' | 'RolledBack' | 'Failed' | 'Cancelled' | 'Rejected' | 'Expired'>, number>> = {
  Completed: 0,
  RolledBack: 10,
  Failed: 11,
  Cancelled: 12,
  Rejected: 13,
  Expired: 14,
};

export function exitCodeOfFinalStatus(status: string): number | undefined {
  return (finalStatusExitCodes as Readonly<Record<string, number>>)[status];
}
