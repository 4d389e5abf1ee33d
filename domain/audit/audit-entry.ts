/**
 * The audit trail: one entry per state change, chained by hashes so that an edited, removed or reordered
 * entry is detectable later (verify-chain.ts).
 *
 * Hashing rule (a stored contract: changing it invalidates every stored chain):
 *   hash = hex(SHA-256(UTF-8(canonicalJson({ sequence, at, actor, action, subject, details, previousHash }))))
 * i.e. over the entry without its `hash`, with common/canonical-json.ts's rules; `previousHash` is the previous entry's
 * `hash`, and GENESIS_HASH (64 zeros) for entry 1. Sequences start at 1 and have no gaps.
 *
 * SHA-256 is injected as `HashOf` rather than implemented here: domain/ does no I/O and imports no `node:*`,
 * and a hand-written SHA-256 would be security code nobody reviews. The adapter passes node:crypto's; tests
 * may pass the same. The domain keeps what matters for verification: what text is hashed and how entries chain.
 */
import { canonicalJson } from '../../common/canonical-json';

/**
 * What happened. Stored values: never rename or remove one.
 * - update.imported: an update was registered (by CI through an import, or by an operator)
 * - rollout.created: an operator created a rollout
 * - approval.given / approval.refused: an approver decided, in a stage of the approval policy
 * - rollout.approved / rollout.rejected / rollout.expired: the approval gate ended
 * - wave.started / wave.promoted: a wave began dispatching / passed its soak
 * - device.failed: a device reported a failed install or turned unhealthy or silent
 * - threshold.crossed: a wave's failures crossed the rollout's threshold (a roll back follows)
 * - rollback.started / rollback.verified: compensation began / every touched device is back
 * - rollout.paused / rollout.resumed / rollout.cancelled: operator control
 * - rollout.completed / rollout.failed: the rollout ended
 * - import-rule.changed: an admin created or replaced an import rule
 */
export type AuditAction =
  | 'update.imported'
  | 'rollout.created'
  | 'approval.given'
  | 'approval.refused'
  | 'rollout.approved'
  | 'rollout.rejected'
  | 'rollout.expired'
  | 'wave.started'
  | 'wave.promoted'
  | 'device.failed'
  | 'wave.analyzed'
  | 'threshold.crossed'
  | 'rollback.started'
  | 'rollback.verified'
  | 'rollout.paused'
  | 'rollout.resumed'
  | 'rollout.cancelled'
  | 'rollout.completed'
  | 'rollout.failed'
  | 'import-rule.changed';

export interface AuditEntry {
  /** 1, 2, 3, … without gaps: the entry's place in the chain. */
  sequence: number;
  /** When it happened, ISO 8601 UTC (from the caller's clock: orchestrations pass currentUtcDateTime). */
  at: string;
  /** Who: the principal's name, or `system:<component>` for the service itself (e.g. `system:rollout`). */
  actor: string;
  action: AuditAction;
  /** What it is about, `<kind>:<id>`: 'rollout:ro-42', 'update:contoso/line-controller/2.0.0', 'device:ctl-7'. */
  subject: string;
  /** Action-specific facts (comment, wave, counts, reason); JSON data only, see common/canonical-json.ts. */
  details: Record<string, unknown>;
  /** The previous entry's hash; GENESIS_HASH for entry 1. */
  previousHash: string;
  /** SHA-256 (hex) of this entry without `hash`, by the rule above. */
  hash: string;
}

/** What a caller appends; the log assigns the rest. */
export type NewAuditEntry = Omit<AuditEntry, 'sequence' | 'previousHash' | 'hash'>;

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits. */
export type HashOf = (text: string) => string;

/** The tip of a chain: its last entry's sequence and hash ({ 0, GENESIS_HASH } while empty). */
export interface ChainHead {
  sequence: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export const emptyChainHead: ChainHead = { sequence: 0, hash: GENESIS_HASH };

/**
 * The text that is hashed. Fields are picked by name, so whatever storage adds to a document (ids, partition
 * keys, etags) is not covered and the rule does not depend on where entries are kept.
 */
export function auditHashInput(entry: Omit<AuditEntry, 'hash'>): string {
  const { sequence, at, actor, action, subject, details, previousHash } = entry;
  return canonicalJson({ sequence, at, actor, action, subject, details, previousHash });
}

export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>, hashOf: HashOf): string {
  return hashOf(auditHashInput(entry));
}

/** The entry that follows `head`. Throws a TypeError when `details` is not JSON data. */
export function chainAuditEntry(head: ChainHead, entry: NewAuditEntry, hashOf: HashOf): AuditEntry {
  const unhashed = {
    sequence: head.sequence + 1,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    details: entry.details,
    previousHash: head.hash,
  };
  return { ...unhashed, hash: auditEntryHash(unhashed, hashOf) };
}
