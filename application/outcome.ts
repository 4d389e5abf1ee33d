/**
 * What a use case answers: a value, or a refusal with a stable code. Callers decide on the code (the HTTP layer
 * maps it to a status in functions/http/refusal-response.ts; an import rule records the message); the message is
 * for people and may change.
 */
export type RefusalCode =
  /** The request does not follow its schema; `errors` names every bad field. */
  | 'invalid-request'
  /** Rollout checks the schema cannot make. */
  | 'invalid-waves'
  | 'invalid-maintenance-window'
  | 'invalid-target-query'
  | 'unknown-update'
  | 'unknown-devices'
  | 'no-devices'
  | 'incompatible-devices'
  | 'missing-prerequisites'
  | 'prerequisite-unavailable'
  /** No rollout with this id. */
  | 'not-found'
  /** Approvals. */
  | 'no-approval-policy'
  | 'not-awaiting-approval'
  | 'sign-in-required'
  | 'not-an-approver'
  | 'creator-cannot-approve'
  | 'already-decided'
  /** Control: the action is not allowed in the rollout's status, or its orchestration has finished. */
  | 'not-allowed-now';

export interface FieldError {
  field: string;
  message: string;
}

export interface Refusal {
  code: RefusalCode;
  message: string;
  errors?: FieldError[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

export function refuse<T = never>(code: RefusalCode, message: string, field?: string, fieldMessage?: string): Outcome<T> {
  return { ok: false, refusal: { code, message, ...(field ? { errors: [{ field, message: fieldMessage ?? message }] } : {}) } };
}
