/** The audit log against the local Cosmos stand-in, on containers provisioned as `npm start` does. */
import type { CosmosClient, Database } from '@azure/cosmos';
import { CosmosAuditLog, entryDocumentId, sha256Hex } from '../../adapters/cosmos/audit-log';
import { containers } from '../../adapters/cosmos/containers';
import { createCosmosClient } from '../../adapters/cosmos/cosmos-client';
import { startCosmos, type RunningCosmos } from '../../devhost/standins/cosmos';
import type { AuditEntry, NewAuditEntry } from '../../domain/audit/audit-entry';
import { verifyAuditLog } from '../../domain/audit/verify-chain';
import { provisionLocal } from '../../scripts/provision-local';

let cosmos: RunningCosmos | undefined;
let client: CosmosClient | undefined;

beforeAll(async () => {
  cosmos = await startCosmos();
  client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
});

afterAll(async () => {
  client?.dispose();
  await cosmos?.stop();
});

/** Each test gets its own database: some of them tamper with the chain on purpose. */
async function freshDatabase(name: string): Promise<Database> {
  await provisionLocal({ endpoint: cosmos!.endpoint, key: cosmos!.key, database: name });
  return client!.database(name);
}

function entry(n: number, subject = `rollout:ro-${n % 3}`): NewAuditEntry {
  return { at: `2025-03-01T10:00:00.${String(n).padStart(3, '0')}Z`, actor: 'system:rollout', action: 'device.failed', subject, details: { device: `ctl-${n}`, n } };
}

async function collect(entries: AsyncIterable<AuditEntry>): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

describe('CosmosAuditLog', () => {
  it('serialises 50 concurrent appends into sequences 1..50 with a valid chain', async () => {
    const log = new CosmosAuditLog(await freshDatabase('audit-concurrent'), { pageSize: 16 });
    const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(entry(i + 1))));

    expect(appended.map((e) => e.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const stored = await collect(log.all());
    expect(stored.map((e) => e.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // What each append returned is what got stored.
    expect(stored).toEqual([...appended].sort((a, b) => a.sequence - b.sequence));
    expect(await log.head()).toEqual({ sequence: 50, hash: stored[49]!.hash });
    expect(await verifyAuditLog(log, sha256Hex)).toEqual({ valid: true, entries: 50 });
  });

  it('appends a step once: the same stepId again (an activity run twice) returns the first entry', async () => {
    const log = new CosmosAuditLog(await freshDatabase('audit-steps'));
    const step = { at: '2026-11-25T10:00:00.000Z', actor: 'system', action: 'wave.started' as const, subject: 'rollouts/ro-1', details: { wave: 0, stepId: 'ro-1:wave:0:Dispatching' } };
    const first = await log.append(step);
    const again = await log.append(step);
    await log.append({ ...step, details: { wave: 1, stepId: 'ro-1:wave:1:Dispatching' } });
    const third = await log.append(step);
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect((await log.list({ subject: 'rollouts/ro-1' })).map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('lists by subject, from a sequence, up to a limit, oldest first', async () => {
    const log = new CosmosAuditLog(await freshDatabase('audit-list'));
    for (let n = 1; n <= 9; n += 1) await log.append(entry(n));

    const sequences = (entries: AuditEntry[]) => entries.map((e) => e.sequence);
    expect(sequences(await log.list({ subject: 'rollout:ro-1' }))).toEqual([1, 4, 7]);
    expect(sequences(await log.list({ subject: 'rollout:ro-0', fromSequence: 4 }))).toEqual([6, 9]);
    expect(sequences(await log.list({ subject: 'rollout:ro-2', limit: 2 }))).toEqual([2, 5]);
    expect(sequences(await log.list({ fromSequence: 7 }))).toEqual([7, 8, 9]);
    expect(sequences(await log.list({ limit: 3 }))).toEqual([1, 2, 3]);
    expect(await log.list({ limit: 0 })).toEqual([]);
    expect(await log.list({ subject: 'rollout:ro-none' })).toEqual([]);
    expect(sequences(await log.list())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Only the entry's fields come back, none of the document's.
    expect(Object.keys((await log.list({ limit: 1 }))[0]!).sort()).toEqual(['action', 'actor', 'at', 'details', 'hash', 'previousHash', 'sequence', 'subject']);
  });

  it('starts empty, and refuses details that are not JSON data without writing anything', async () => {
    const log = new CosmosAuditLog(await freshDatabase('audit-empty'));
    expect(await log.head()).toEqual({ sequence: 0, hash: '0'.repeat(64) });
    expect(await collect(log.all())).toEqual([]);
    expect(await verifyAuditLog(log, sha256Hex)).toEqual({ valid: true, entries: 0 });

    await expect(log.append({ ...entry(1), details: { when: new Date(0) } })).rejects.toThrow(TypeError);
    expect(await log.head()).toEqual({ sequence: 0, hash: '0'.repeat(64) });
    expect((await log.append(entry(1))).sequence).toBe(1);
  });

  it('loses nothing when an append stops between moving the head and writing the entry', async () => {
    const database = await freshDatabase('audit-crash');
    const log = new CosmosAuditLog(database);
    await log.append(entry(1));
    const second = await log.append(entry(2, 'rollout:ro-crash'));
    // The state such a crash leaves: the head holds entry 2, its own document was never written.
    await database.container(containers.audit.id).item(entryDocumentId(2), 'rollout:ro-crash').delete();

    expect(await log.list({ subject: 'rollout:ro-crash' })).toEqual([second]);
    expect(await verifyAuditLog(log, sha256Hex)).toEqual({ valid: true, entries: 2 });

    // The next append writes the missing document before chaining after it.
    const third = await log.append(entry(3));
    expect(third).toMatchObject({ sequence: 3, previousHash: second.hash });
    const { resource } = await database.container(containers.audit.id).item(entryDocumentId(2), 'rollout:ro-crash').read();
    expect(resource).toMatchObject({ sequence: 2, hash: second.hash });
    expect(await verifyAuditLog(log, sha256Hex)).toEqual({ valid: true, entries: 3 });
  });

  it('names the entry an attacker with database access edited directly', async () => {
    const database = await freshDatabase('audit-tamper');
    const log = new CosmosAuditLog(database);
    for (let n = 1; n <= 12; n += 1) await log.append(entry(n));
    expect(await verifyAuditLog(log, sha256Hex)).toEqual({ valid: true, entries: 12 });

    // Straight through @azure/cosmos, as anyone holding the account key could.
    const target = (await log.list({ fromSequence: 7, limit: 1 }))[0]!;
    const item = database.container(containers.audit.id).item(entryDocumentId(7), target.subject);
    const { resource } = await item.read();
    await item.replace({ ...resource, actor: 'mallory@contoso.com', details: { device: 'ctl-7', n: 7, note: 'never failed' } });

    expect(await verifyAuditLog(log, sha256Hex)).toEqual({
      valid: false,
      entries: 12,
      firstBroken: { sequence: 7, reason: 'its hash does not match its contents: the entry was altered' },
    });
  });

  it('names a deleted entry, and entries removed from the end', async () => {
    const database = await freshDatabase('audit-delete');
    const log = new CosmosAuditLog(database);
    const appended: AuditEntry[] = [];
    for (let n = 1; n <= 6; n += 1) appended.push(await log.append(entry(n)));
    const audit = database.container(containers.audit.id);

    // The newest two: the head still records 6 (its own copy of entry 6 stands in for the deleted document).
    await audit.item(entryDocumentId(5), appended[4]!.subject).delete();
    await audit.item(entryDocumentId(6), appended[5]!.subject).delete();
    expect(await verifyAuditLog(log, sha256Hex)).toMatchObject({ valid: false, firstBroken: { sequence: 5, reason: expect.stringMatching(/expected entry 5, found entry 6/) } });

    await audit.item(entryDocumentId(3), appended[2]!.subject).delete();
    expect(await verifyAuditLog(log, sha256Hex)).toMatchObject({ valid: false, entries: 4, firstBroken: { sequence: 3 } });
  });
});
