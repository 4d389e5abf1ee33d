import { createHash } from 'node:crypto';
import {
  auditHashInput,
  chainAuditEntry,
  emptyChainHead,
  GENESIS_HASH,
  type AuditEntry,
  type HashOf,
  type NewAuditEntry,
} from '../../../../domain/audit/audit-entry';
import { verifyChain } from '../../../../domain/audit/verify-chain';

const sha256: HashOf = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

function newEntry(n: number): NewAuditEntry {
  return {
    at: `2025-03-01T10:00:${String(n).padStart(2, '0')}.000Z`,
    actor: n % 2 ? 'ops@contoso.com' : 'system:rollout',
    action: n === 1 ? 'rollout.created' : 'wave.started',
    subject: 'rollout:ro-1',
    details: { wave: n - 1, note: `step ${n}` },
  };
}

/** A valid chain of `length` entries, built as the log builds it. */
function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let n = 1; n <= length; n += 1) entries.push(chainAuditEntry(entries.at(-1) ?? emptyChainHead, newEntry(n), sha256));
  return entries;
}

describe('the hashing rule', () => {
  it('hashes the canonical JSON of the entry without its hash, chained from 64 zeros', () => {
    const [first, second] = chain(2) as [AuditEntry, AuditEntry];
    expect(first.sequence).toBe(1);
    expect(first.previousHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(auditHashInput(first)).toBe(
      '{"action":"rollout.created","actor":"ops@contoso.com","at":"2025-03-01T10:00:01.000Z",' +
        '"details":{"note":"step 1","wave":0},"previousHash":"' + GENESIS_HASH + '","sequence":1,"subject":"rollout:ro-1"}',
    );
    expect(first.hash).toBe(sha256(auditHashInput(first)));
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toMatchObject({ sequence: 2, previousHash: first.hash });
  });

  it('covers only the entry\'s own fields, not what storage adds', () => {
    const [first] = chain(1) as [AuditEntry];
    const stored = { ...first, id: '000000000001', pk: 'rollout:ro-1', _etag: '"x"' };
    expect(auditHashInput(stored)).toBe(auditHashInput(first));
  });

  it('refuses details that are not JSON data before anything is hashed', () => {
    expect(() => chainAuditEntry(emptyChainHead, { ...newEntry(1), details: { at: new Date(0) } }, sha256)).toThrow(TypeError);
  });
});

describe('verifyChain', () => {
  const five = chain(5);
  const at = (i: number): AuditEntry => five[i] as AuditEntry;
  const edit = (i: number, change: Partial<AuditEntry>) => five.map((e, j) => (j === i ? { ...e, ...change } : e));
  /** An attacker who edits entry i and recomputes its hash. */
  const rehash = (i: number, change: Partial<AuditEntry>) =>
    five.map((e, j) => (j === i ? { ...e, ...change, hash: sha256(auditHashInput({ ...e, ...change })) } : e));

  it.each<[string, AuditEntry[], number | undefined, RegExp | undefined]>([
    ['an empty chain', [], undefined, undefined],
    ['a valid chain', five, undefined, undefined],
    ['edited details at entry 3', edit(2, { details: { wave: 99 } }), 3, /hash does not match its contents/],
    ['an edited actor at entry 1', edit(0, { actor: 'mallory@contoso.com' }), 1, /altered/],
    ['entry 3 deleted', [at(0), at(1), at(3), at(4)], 3, /expected entry 3, found entry 4 \(missing or out of order\)/],
    ['entries 3 and 4 swapped', [at(0), at(1), at(3), at(2), at(4)], 3, /expected entry 3, found entry 4/],
    ['entry 2 duplicated', [at(0), at(1), at(1), at(2)], 3, /found entry 2 \(out of order or duplicated\)/],
    ['the first entry deleted', five.slice(1), 1, /expected entry 1/],
    ['entry 3 edited and re-hashed', rehash(2, { details: { wave: 99 } }), 4, /previousHash is not the hash of entry 3/],
    ['entry 1 re-linked to a forged start', rehash(0, { previousHash: 'f'.repeat(64) }), 1, /not the genesis hash/],
    ['entry 3 renumbered and re-hashed to hide a deletion', [at(0), at(1), { ...at(3), sequence: 3, hash: sha256(auditHashInput({ ...at(3), sequence: 3 })) }], 3, /previousHash is not the hash of entry 2/],
    ['details replaced by something that is not JSON data', edit(1, { details: { n: NaN } }), 2, /not valid JSON data/],
  ])('%s', (_what, entries, brokenAt, reason) => {
    const verdict = verifyChain(entries, sha256);
    expect(verdict.entries).toBe(entries.length);
    if (brokenAt === undefined) {
      expect(verdict).toEqual({ valid: true, entries: entries.length });
    } else {
      expect(verdict).toMatchObject({ valid: false, firstBroken: { sequence: brokenAt, reason: expect.stringMatching(reason!) } });
    }
  });

  describe('against the head the log records', () => {
    const head = { sequence: 5, hash: at(4).hash };

    it('accepts the whole chain, and entries appended after the head was read', () => {
      expect(verifyChain(five, sha256, { head })).toEqual({ valid: true, entries: 5 });
      expect(verifyChain(five, sha256, { head: { sequence: 4, hash: at(3).hash } })).toEqual({ valid: true, entries: 5 });
    });

    it('names the first missing entry when the newest ones were removed', () => {
      expect(verifyChain(five.slice(0, 3), sha256, { head })).toEqual({
        valid: false,
        entries: 3,
        firstBroken: { sequence: 4, reason: "entry 4 is missing: the log's head records 5 entries" },
      });
    });

    it('catches the newest entry edited and re-hashed', () => {
      expect(verifyChain(rehash(4, { details: {} }), sha256, { head })).toMatchObject({
        valid: false,
        firstBroken: { sequence: 5, reason: expect.stringMatching(/not the one the log's head records/) },
      });
    });
  });
});
