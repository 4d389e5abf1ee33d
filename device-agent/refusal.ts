/** Why a device refuses an update: a stable code for machines and a precise reason for people. */

/** In the order the verifier checks them; a stored code never changes meaning. */
export type RefusalCode =
  | 'malformed'
  | 'untrusted-certificate'
  | 'revoked-key'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'downgrade'
  | 'incompatible'
  | 'missing-prerequisite'
  | 'file-mismatch';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  reason: string;
}

export function refuse(code: RefusalCode, reason: string): Refusal {
  return { ok: false, code, reason };
}
