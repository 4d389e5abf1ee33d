/**
 * AuditLog on Cosmos DB: append-only and hash-chained (the rule is in domain/audit/audit-entry.ts).
 *
 * Documents in the `audit` container (partition key `/pk`):
 * - one entry document per entry, `{ id: '000000000042', pk: <subject>, kind: 'entry', ...entry }`, in its
 *   subject's partition, so listing a subject is a single-partition query. Written once, never replaced.
 * - the head, `{ id: 'head', pk: 'head', kind: 'head', sequence, hash, last }`: the tip of the chain, with the
 *   whole newest entry in `last`. The only document that is ever replaced.
 *
 * An append reads the head, makes sure the head's `last` entry has its document, chains the new entry to the
 * head and replaces the head with it under the head's etag, then creates the new entry's document. Replacing
 * the head is the commit: it serialises appends (a 412 means another append committed first: read the head
 * again and re-chain), so sequences are unique and gapless although entries live in different partitions.
 * A crash after the commit loses nothing: the entry is in the head; the next append writes its document before
 * it moves the head on, and reads serve it from the head meanwhile. So every entry but the newest always has
 * its document, and at most that one is ever missing.
 *
 * Why not write the entry first (create-if-absent under the next sequence, then move the head)? That makes the
 * document id the lock, and ids are unique only within a partition: every entry would have to share one
 * partition (20 GB, one hot partition) instead of its subject's.
 */
import { createHash } from 'node:crypto';
import type { Container, Database, SqlParameter } from '@azure/cosmos';
import { chainAuditEntry, emptyChainHead, type AuditEntry, type ChainHead, type HashOf, type NewAuditEntry } from '../../domain/audit/audit-entry';
import type { AuditFilter, AuditLog } from '../../domain/audit/audit-log-port';
import { containers } from './containers';
import { cosmosStatus } from './documents';

/** The SHA-256 the hashing rule asks for. */
export const sha256Hex: HashOf = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface CosmosAuditLogOptions {
  /** Default sha256Hex; tests may count calls. */
  hashOf?: HashOf;
  /** Head replace attempts per append before giving up under contention (default 100). */
  maxAttempts?: number;
  /** Sequences per query when reading the whole chain (default 500). */
  pageSize?: number;
}

const HEAD = 'head';

interface HeadDocument extends ChainHead {
  id: typeof HEAD;
  pk: typeof HEAD;
  kind: 'head';
  /** The newest entry (absent while the chain is empty). */
  last?: AuditEntry;
  _etag?: string;
}

type EntryDocument = AuditEntry & { id: string; pk: string; kind: 'entry' };

export class CosmosAuditLog implements AuditLog {
  private readonly container: Container;
  private readonly hashOf: HashOf;
  private readonly maxAttempts: number;
  private readonly pageSize: number;

  constructor(database: Database, options: CosmosAuditLogOptions = {}) {
    this.container = database.container(containers.audit.id);
    this.hashOf = options.hashOf ?? sha256Hex;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 100);
    this.pageSize = Math.max(1, options.pageSize ?? 500);
  }

  /**
   * An entry whose `details.stepId` was appended before (an activity that ran twice) is not appended again: the
   * earlier one is returned. Looked up in the subject's partition, and in the head for the newest entry.
   */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const stepId = typeof entry.details.stepId === 'string' ? entry.details.stepId : undefined;
    const earlier = stepId === undefined ? undefined : await this.findStep(entry.subject, stepId);
    if (earlier) return earlier;
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.readOrCreateHead();
      if (head.last) await this.ensureEntryDocument(head.last);
      if (stepId !== undefined && head.last?.details.stepId === stepId && head.last.subject === entry.subject) return head.last;
      // Throws before anything is written when `details` is not JSON data.
      const next = chainAuditEntry(head, entry, this.hashOf);
      try {
        await this.container.item(HEAD, HEAD).replace<HeadDocument>(headDocument(next), { accessCondition: { type: 'IfMatch', condition: head._etag ?? '' } });
      } catch (err) {
        if (cosmosStatus(err) !== 412) throw err;
        if (attempt >= this.maxAttempts) throw new Error(`audit append: the log kept moving; gave up after ${attempt} attempts`);
        // Jittered and growing, so the losers of one race do not all collide again on the next.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * attempt)));
        continue;
      }
      await this.ensureEntryDocument(next);
      return next;
    }
  }

  private async findStep(subject: string, stepId: string): Promise<AuditEntry | undefined> {
    const { resources } = await this.container.items
      .query<EntryDocument>({
        // TOP 1: a step is recorded once, and the read stays one row even if a race ever wrote it twice.
        query: "SELECT TOP 1 * FROM c WHERE c.pk = @subject AND c.kind = 'entry' AND c.details.stepId = @stepId",
        parameters: [{ name: '@subject', value: subject }, { name: '@stepId', value: stepId }],
      }, { partitionKey: subject })
      .fetchAll();
    const found = resources[0];
    return found && toEntry(found);
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const { subject, fromSequence, limit } = filter;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`limit must be a whole number >= 0, not ${limit}`);
    if (limit === 0) return [];
    // Read first: its `last` may be the one entry without a document yet.
    const head = await this.readHead();
    const conditions = ["c.kind = 'entry'"];
    const parameters: SqlParameter[] = [];
    if (subject !== undefined) {
      // Filtered explicitly as well: the local stand-in does not scope a query to the partition key it is given.
      conditions.push('c.pk = @subject');
      parameters.push({ name: '@subject', value: subject });
    }
    if (fromSequence !== undefined) {
      conditions.push('c.sequence >= @from');
      parameters.push({ name: '@from', value: fromSequence });
    }
    const top = limit === undefined ? '' : 'TOP @limit ';
    if (limit !== undefined) parameters.push({ name: '@limit', value: limit });
    const query = `SELECT ${top}* FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.sequence`;
    // Bounded by TOP @limit, which the API always passes (at most 1000 a page); only in-process callers omit it.
    const { resources } = await this.container.items
      .query<EntryDocument>({ query, parameters }, subject === undefined ? {} : { partitionKey: subject })
      .fetchAll();
    const found = resources.map(toEntry);
    const last = head?.last;
    if (last && (subject === undefined || last.subject === subject) && last.sequence >= (fromSequence ?? 1)) {
      withPending(found, last);
    }
    return limit === undefined ? found : found.slice(0, limit);
  }

  /** Pages by sequence range rather than by continuation token: plain filters work the same everywhere. */
  async *all(): AsyncIterable<AuditEntry> {
    const head = await this.readHead();
    const headSequence = head?.sequence ?? 0;
    for (let from = 1; ; from += this.pageSize) {
      const to = from + this.pageSize;
      const { resources } = await this.container.items
        .query<EntryDocument>({
          query: "SELECT * FROM c WHERE c.kind = 'entry' AND c.sequence >= @from AND c.sequence < @to ORDER BY c.sequence",
          parameters: [
            { name: '@from', value: from },
            { name: '@to', value: to },
          ],
        })
        .fetchAll(); // bounded: one range of `pageSize` sequence numbers
      const page = resources.map(toEntry);
      const last = head?.last;
      if (last && last.sequence >= from && last.sequence < to) withPending(page, last);
      yield* page;
      // Past the head and nothing more: done. Entries appended since the head was read are still read.
      if (page.length === 0 && from > headSequence) return;
    }
  }

  async head(): Promise<ChainHead> {
    const head = await this.readHead();
    return head ? { sequence: head.sequence, hash: head.hash } : emptyChainHead;
  }

  private async readHead(): Promise<HeadDocument | undefined> {
    const { resource } = await this.container.item(HEAD, HEAD).read<HeadDocument>();
    return resource;
  }

  private async readOrCreateHead(): Promise<HeadDocument> {
    const existing = await this.readHead();
    if (existing) return existing;
    try {
      const { resource } = await this.container.items.create<HeadDocument>({ id: HEAD, pk: HEAD, kind: 'head', ...emptyChainHead });
      if (resource) return resource;
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
    }
    const created = await this.readHead();
    if (!created) throw new Error('audit log: the head document vanished');
    return created;
  }

  /** Create-if-absent; the content comes from the committed head, so whoever writes it writes the same. */
  private async ensureEntryDocument(entry: AuditEntry): Promise<void> {
    const id = entryDocumentId(entry.sequence);
    const { resource } = await this.container.item(id, entry.subject).read();
    if (resource) return;
    try {
      await this.container.items.create<EntryDocument>({ ...entry, id, pk: entry.subject, kind: 'entry' });
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
    }
  }
}

/** Zero-padded, so ids sort as sequences do. */
export function entryDocumentId(sequence: number): string {
  return String(sequence).padStart(12, '0');
}

function headDocument(last: AuditEntry): HeadDocument {
  return { id: HEAD, pk: HEAD, kind: 'head', sequence: last.sequence, hash: last.hash, last };
}

/** Only the entry's own fields: storage properties never leave the adapter. */
function toEntry(document: EntryDocument): AuditEntry {
  const { sequence, at, actor, action, subject, details, previousHash, hash } = document;
  return { sequence, at, actor, action, subject, details, previousHash, hash };
}

/** Adds the head's entry when its document is not written yet (an append crashed or is still under way). */
function withPending(entries: AuditEntry[], last: AuditEntry): void {
  if (entries.some((e) => e.sequence === last.sequence)) return;
  entries.push(last);
  entries.sort((a, b) => a.sequence - b.sequence);
}
