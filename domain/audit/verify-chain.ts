/**
 * Recomputes an audit chain and names its first broken link: an edited entry no longer matches its hash; a
 * removed or reordered one breaks the run of sequences or the previousHash link; an entry edited and re-hashed
 * breaks the link from the entry after it (or, for the newest, disagrees with the log's head).
 * Anyone who can rewrite the head and every later entry can still forge a consistent chain; publishing the
 * head's hash elsewhere from time to time closes that gap.
 */
import { auditEntryHash, emptyChainHead, type AuditEntry, type ChainHead, type HashOf } from './audit-entry';
import type { AuditLog } from './audit-log-port';

export interface BrokenLink {
  /** The first sequence that cannot be trusted (for a missing entry: the missing sequence). */
  sequence: number;
  reason: string;
}

/** `entries`: how many entries were read, all of them, also past a break. */
export type ChainVerdict = { valid: true; entries: number } | { valid: false; entries: number; firstBroken: BrokenLink };

export interface VerifyOptions {
  /** The head as the log records it, read before the entries; catches removal of the newest entries. */
  head?: ChainHead;
}

/** Checks entries one at a time, in the order given, so a long chain never needs to be in memory at once. */
export class ChainVerifier {
  private count = 0;
  private last: ChainHead = emptyChainHead;
  private broken: BrokenLink | undefined;

  constructor(
    private readonly hashOf: HashOf,
    private readonly options: VerifyOptions = {},
  ) {}

  add(entry: AuditEntry): void {
    this.count += 1;
    if (this.broken) return;
    this.broken = this.check(entry);
    this.last = { sequence: entry.sequence, hash: entry.hash };
  }

  result(): ChainVerdict {
    const head = this.options.head;
    if (!this.broken && head && this.last.sequence < head.sequence) {
      const missing = this.last.sequence + 1;
      this.broken = { sequence: missing, reason: `entry ${missing} is missing: the log's head records ${head.sequence} entries` };
    }
    return this.broken ? { valid: false, entries: this.count, firstBroken: this.broken } : { valid: true, entries: this.count };
  }

  private check(entry: AuditEntry): BrokenLink | undefined {
    const expected = this.last.sequence + 1;
    if (entry.sequence !== expected) {
      const what = typeof entry.sequence === 'number' && entry.sequence > expected ? 'missing or out of order' : 'out of order or duplicated';
      return { sequence: expected, reason: `expected entry ${expected}, found entry ${String(entry.sequence)} (${what})` };
    }
    let actual: string;
    try {
      actual = auditEntryHash(entry, this.hashOf);
    } catch {
      return { sequence: expected, reason: 'the entry is not valid JSON data: it was altered' };
    }
    if (actual !== entry.hash) return { sequence: expected, reason: 'its hash does not match its contents: the entry was altered' };
    if (entry.previousHash !== this.last.hash) {
      return {
        sequence: expected,
        reason: expected === 1 ? 'its previousHash is not the genesis hash' : `its previousHash is not the hash of entry ${expected - 1}: an entry before it was replaced`,
      };
    }
    const head = this.options.head;
    if (head && entry.sequence === head.sequence && entry.hash !== head.hash) {
      return { sequence: expected, reason: "its hash is not the one the log's head records: the entry was replaced" };
    }
    return undefined;
  }
}

export function verifyChain(entries: Iterable<AuditEntry>, hashOf: HashOf, options: VerifyOptions = {}): ChainVerdict {
  const verifier = new ChainVerifier(hashOf, options);
  for (const entry of entries) verifier.add(entry);
  return verifier.result();
}

/** Verifies a whole log: reads its head first, then streams every entry through a ChainVerifier. */
export async function verifyAuditLog(log: AuditLog, hashOf: HashOf): Promise<ChainVerdict> {
  const verifier = new ChainVerifier(hashOf, { head: await log.head() });
  for await (const entry of log.all()) verifier.add(entry);
  return verifier.result();
}
