/** Port: the append-only, hash-chained audit log (Cosmos DB; see adapters/cosmos/audit-log.ts). */
import type { AuditEntry, ChainHead, NewAuditEntry } from './audit-entry';

export interface AuditFilter {
  /** Only entries about this subject, e.g. 'rollout:ro-42'. */
  subject?: string;
  /** Only entries with this sequence or later. */
  fromSequence?: number;
  /** At most this many (the oldest that match). */
  limit?: number;
}

export interface AuditLog {
  /**
   * Chains the entry to the newest one and stores it; concurrent appends are serialised, so sequences stay
   * unique and gapless. Throws a TypeError when `details` is not JSON data.
   */
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Matching entries, oldest first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Every stored entry in sequence order, a page at a time: what verification reads. */
  all(): AsyncIterable<AuditEntry>;
  /** The tip as the log itself records it; lets verification notice entries removed from the end. */
  head(): Promise<ChainHead>;
}
