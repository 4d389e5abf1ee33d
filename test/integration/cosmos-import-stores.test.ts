/** The import records and release counters on the local Cosmos stand-in: etag-guarded writes under contention. */
import type { Database } from '@azure/cosmos';
import { CosmosImportRecordStore, CosmosReleaseCounterStore } from '../../adapters/cosmos/import-stores';
import type { ImportRecord } from '../../domain/imports/import-record';
import { NotFoundError } from '../../domain/rollouts/rollout-store-port';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
let database: Database;
beforeAll(() => { database = provisioned(); });

function importRecord(eventId: string): ImportRecord {
  return {
    eventId, eventType: 'Microsoft.Storage.BlobCreated', subject: '/blobServices/default/containers/firmware/blobs/line-controller/2.0.0.bin',
    status: 'Importing', reason: '', receivedAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z',
  };
}

describe('CosmosImportRecordStore', () => {
  it('creates an event once: the same event again reports it exists and changes nothing', async () => {
    const store = new CosmosImportRecordStore(database);
    expect(await store.create(importRecord('ev-once'))).toBe('created');
    expect(await store.create({ ...importRecord('ev-once'), status: 'Failed' })).toBe('exists');
    expect(await store.get('ev-once')).toEqual(importRecord('ev-once'));
  });

  it('applies two racing updates to one record: the loser runs its change again on the winner\'s record', async () => {
    const store = new CosmosImportRecordStore(database);
    // Started together, both usually read the same version before either writes: one replace then gets 412 and
    // starts over. Whether they overlap is up to timing, so the race is run until one did; none may lose a change.
    let conflicts = 0;
    for (let race = 0; race < 20 && conflicts === 0; race++) {
      const id = `ev/race ${race}`;
      await store.create(importRecord(id));
      let changes = 0;
      await Promise.all([
        store.update(id, (current) => ((changes += 1), { ...current, releaseCounter: current.releaseCounter ?? 7 })),
        store.update(id, (current) => ((changes += 1), { ...current, status: 'Imported', reason: 'imported' })),
      ]);
      expect(await store.get(id)).toMatchObject({ status: 'Imported', reason: 'imported', releaseCounter: 7 });
      if (changes > 2) conflicts += 1;
    }
    expect(conflicts).toBe(1);
  });

  it('keeps the first writer\'s value when every racer only fills an empty field', async () => {
    const store = new CosmosImportRecordStore(database);
    await store.create(importRecord('ev-fill'));
    const saved = await Promise.all([1, 2, 3, 4].map((candidate) =>
      store.update('ev-fill', (current) => (current.releaseCounter === undefined ? { ...current, releaseCounter: candidate } : current))));
    // Whoever landed first, every racer is handed back the same stored value.
    const stored = (await store.get('ev-fill'))?.releaseCounter;
    expect(stored).toBeDefined();
    expect(saved.map((r) => r.releaseCounter)).toEqual([stored, stored, stored, stored]);
  });

  it('reports an event it never saw as NotFoundError', async () => {
    await expect(new CosmosImportRecordStore(database).update('ev-missing', (r) => r)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('CosmosReleaseCounterStore', () => {
  it('hands out each release counter once to racing imports, without gaps', async () => {
    const counters = new CosmosReleaseCounterStore(database);
    const taken = await Promise.all(Array.from({ length: 8 }, (_, i) => counters.next('line-controller', `evt-${i}`)));
    expect([...taken].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await counters.next('line-controller', 'evt-8')).toBe(9);
    expect(await counters.next('other-controller', 'evt-9')).toBe(1);
  });
});
