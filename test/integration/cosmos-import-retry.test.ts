/**
 * Import records and release counters on the Cosmos stand-in: what makes a re-run or redelivered import safe. A
 * counter claimed twice by the same import is the same number; a failed import's record gives way to a retry once.
 */
import type { Database } from '@azure/cosmos';
import { CosmosImportRecordStore, CosmosReleaseCounterStore } from '../../adapters/cosmos/import-stores';
import type { ImportRecord } from '../../domain/imports/import-record';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
let database: Database;
beforeAll(() => { database = provisioned(); });

const record = (eventId: string, overrides: Partial<ImportRecord> = {}): ImportRecord => ({
  eventId, eventType: 'Microsoft.Storage.BlobCreated', subject: `/blobServices/default/containers/firmware-uploads/blobs/fw/${eventId}.bin`,
  status: 'Importing', reason: 'import started', receivedAt: '2026-11-30T10:00:00.000Z', updatedAt: '2026-11-30T10:00:00.000Z', ...overrides,
});

describe('release counters', () => {
  it('gives each import the next number, and an import that asks again the number it holds', async () => {
    const counters = new CosmosReleaseCounterStore(database);
    expect(await counters.next('plc', 'evt-a')).toBe(1);
    expect(await counters.next('plc', 'evt-b')).toBe(2);
    expect(await counters.next('plc', 'evt-a')).toBe(1); // a re-run after a crash
    expect(await counters.next('plc', 'evt-c')).toBe(3);
    expect(await counters.next('other', 'evt-a')).toBe(1);
  });

  it('hands out distinct numbers to concurrent imports and one number to concurrent re-runs of one', async () => {
    const counters = new CosmosReleaseCounterStore(database);
    const numbers = await Promise.all(['e1', 'e2', 'e3', 'e1', 'e2', 'e3'].map((claim) => counters.next('busy', claim)));
    expect(numbers.slice(0, 3)).toEqual(numbers.slice(3));
    expect([...new Set(numbers)].sort()).toEqual([1, 2, 3]);
  });
});

describe('import records', () => {
  it('refuses a second record of an event unless its import failed; a failed one is retried once, keeping its counter', async () => {
    const records = new CosmosImportRecordStore(database);
    expect(await records.create(record('evt-1'))).toBe('created');
    expect(await records.create(record('evt-1'))).toBe('exists');
    await records.update('evt-1', (r) => ({ ...r, status: 'Imported', reason: 'imported' }));
    expect(await records.create(record('evt-1'))).toBe('exists');

    expect(await records.create(record('evt-2'))).toBe('created');
    await records.update('evt-2', (r) => ({ ...r, status: 'Failed', reason: 'import failed: blob not found', releaseCounter: 4 }));
    const redeliveries = await Promise.all([records.create(record('evt-2', { receivedAt: '2026-11-30T11:00:00.000Z' })), records.create(record('evt-2'))]);
    expect(redeliveries.sort()).toEqual(['created', 'exists']);
    expect(await records.get('evt-2')).toMatchObject({ status: 'Importing', reason: 'import started', releaseCounter: 4 });
  });

  it('records an event whose id is far longer than a Cosmos id may be (Event Grid ids are any string)', async () => {
    const records = new CosmosImportRecordStore(database);
    const eventId = `evt-${'x'.repeat(20_000)}`;
    expect(await records.create(record(eventId, { status: 'Ignored', reason: 'no import rule' }))).toBe('created');
    expect(await records.create(record(eventId))).toBe('exists');
    expect(await records.get(eventId)).toMatchObject({ eventId, status: 'Ignored' });
  });
});
