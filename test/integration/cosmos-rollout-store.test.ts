/** The Cosmos stores against the local stand-in, on containers provisioned as `npm start` does. */
import type { Database } from '@azure/cosmos';
import { CosmosRolloutStore } from '../../adapters/cosmos/rollout-store';
import { updateDocumentId } from '../../adapters/cosmos/containers';
import { CosmosUpdateStore } from '../../adapters/cosmos/update-store';
import type { BatchRecord, RolloutRecord } from '../../domain/rollouts/rollout-record';
import { batchId } from '../../domain/rollouts/rollout-record';
import { NotFoundError, RolloutExistsError } from '../../domain/rollouts/rollout-store-port';
import type { Update } from '../../domain/updates/update';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
let database: Database;
beforeAll(() => { database = provisioned(); });

function update(version: string, name = 'line-controller'): Update {
  return {
    updateId: { provider: 'contoso', name, version },
    compatibility: [{ model: 'ctl-a' }],
    files: [{ fileName: `fw-${version}.bin`, sizeInBytes: 1024, hashes: { sha256: 'ab'.repeat(32) } }],
    createdAt: `2025-01-01T00:00:0${version.length % 10}Z`,
  };
}

function rollout(id: string, overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    id,
    spec: {
      updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
      target: { query: "tags.site = 'plant-a'" },
      canary: { devices: 10 },
      canarySoakMs: 60_000,
      waves: [{ percent: 100, soakMs: 60_000 }],
      healthCheckIntervalMs: 1_000,
      deviceTimeoutMs: 30_000,
      failureThreshold: { percent: 5, minDevices: 10 },
    },
    status: 'Scheduled',
    reason: 'created',
    createdBy: 'ops@contoso.com',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    currentWave: -1,
    waves: [],
    approvals: [],
    targetedCount: 0,
    ...overrides,
  };
}

function batch(rolloutId: string, wave: number, index: number, devices = 3): BatchRecord {
  return {
    id: batchId(rolloutId, wave, index),
    rolloutId,
    wave,
    index,
    site: 'plant-a',
    devices: Array.from({ length: devices }, (_, i) => ({
      deviceId: `a-${wave}-${index}-${i}`,
      fromVersion: '1.0.0',
      site: 'plant-a',
      state: 'pending' as const,
      updatedAt: '2025-01-01T00:00:00.000Z',
    })),
  };
}

const systemProperty = /^_(rid|self|etag|ts|attachments)$/;
function expectNoSystemProperties(record: object): void {
  expect(Object.keys(record).filter((key) => systemProperty.test(key))).toEqual([]);
}

describe('CosmosUpdateStore', () => {
  it('stores an update once: a second put reports it exists and changes nothing', async () => {
    const store = new CosmosUpdateStore(database);
    const first = update('2.0.0');
    expect(await store.put(first)).toBe('created');
    expect(await store.put({ ...first, files: [] })).toBe('exists');

    const stored = await store.get(first.updateId);
    expect(stored).toEqual(first);
    expectNoSystemProperties(stored!);
  });

  it('keeps ids Cosmos-safe whatever the version string', async () => {
    const store = new CosmosUpdateStore(database);
    const odd = update('3.0.0-rc/1?#x\\y~z');
    expect(updateDocumentId(odd.updateId)).not.toMatch(/[/\\?#%]/);
    expect(await store.put(odd)).toBe('created');
    expect(await store.get(odd.updateId)).toEqual(odd);
    expect(await store.get({ ...odd.updateId, version: '3.0.0-rc/1?#x\\y~Z' })).toBeUndefined();
  });

  it('lists by provider and name, scoped to that partition', async () => {
    const store = new CosmosUpdateStore(database);
    await store.put(update('2.0.0', 'sensor'));
    await store.put({ ...update('2.0.0'), updateId: { provider: 'fabrikam', name: 'line-controller', version: '2.0.0' } });

    const versions = (updates: Update[]) => updates.map((u) => `${u.updateId.provider}/${u.updateId.name}/${u.updateId.version}`);
    expect(versions(await store.list({ provider: 'contoso', name: 'line-controller' }))).toEqual([
      'contoso/line-controller/2.0.0',
      'contoso/line-controller/3.0.0-rc/1?#x\\y~z',
    ]);
    expect(versions(await store.list({ name: 'sensor' }))).toEqual(['contoso/sensor/2.0.0']);
    expect(versions(await store.list({ provider: 'fabrikam' }))).toEqual(['fabrikam/line-controller/2.0.0']);
    expect(await store.list()).toHaveLength(4);
  });
});

describe('CosmosRolloutStore', () => {
  it('creates, gets and refuses a second rollout with the same id', async () => {
    const store = new CosmosRolloutStore(database);
    await store.create(rollout('ro-1'));
    const stored = await store.get('ro-1');
    expect(stored).toEqual(rollout('ro-1'));
    expectNoSystemProperties(stored!);

    await expect(store.create(rollout('ro-1', { reason: 'again' }))).rejects.toBeInstanceOf(RolloutExistsError);
    expect((await store.get('ro-1'))?.reason).toBe('created');
    expect(await store.get('ro-missing')).toBeUndefined();
    expect(await store.get('not/a/cosmos/id')).toBeUndefined();
  });

  it('lists rollouts by status', async () => {
    const store = new CosmosRolloutStore(database);
    await store.create(rollout('ro-list-1', { status: 'PendingApproval', createdAt: '2025-01-02T00:00:00.000Z' }));
    await store.create(rollout('ro-list-2', { status: 'InProgress', createdAt: '2025-01-03T00:00:00.000Z' }));
    await store.create(rollout('ro-list-3', { status: 'PendingApproval', createdAt: '2025-01-04T00:00:00.000Z' }));

    expect((await store.list({ status: 'PendingApproval' })).map((r) => r.id)).toEqual(['ro-list-1', 'ro-list-3']);
    expect((await store.list({ status: 'InProgress' })).map((r) => r.id)).toEqual(['ro-list-2']);
    const all = (await store.list()).map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining(['ro-1', 'ro-list-1', 'ro-list-2', 'ro-list-3']));
  });

  it('applies two racing updates to the same rollout: the loser retries on the new etag', async () => {
    const store = new CosmosRolloutStore(database);
    await store.create(rollout('ro-race'));
    // Started together, both read the same version before either writes: one replace gets 412 and starts over.
    let changes = 0;
    await Promise.all([
      store.update('ro-race', (current) => ((changes += 1), { ...current, reason: 'first' })),
      store.update('ro-race', (current) => ((changes += 1), { ...current, targetedCount: 7 })),
    ]);

    const saved = await store.get('ro-race');
    expect(saved).toMatchObject({ reason: 'first', targetedCount: 7 });
    expect(changes).toBe(3);
  });

  it('lets many concurrent updates all land', async () => {
    const store = new CosmosRolloutStore(database);
    await store.create(rollout('ro-counter'));
    await Promise.all(
      Array.from({ length: 8 }, () => store.update('ro-counter', (current) => ({ ...current, targetedCount: current.targetedCount + 1 }))),
    );
    expect((await store.get('ro-counter'))?.targetedCount).toBe(8);
  });

  it('refuses a change to the id and reports a missing rollout as NotFoundError', async () => {
    const store = new CosmosRolloutStore(database);
    await expect(store.update('ro-missing', (r) => r)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.update('ro-1', (r) => ({ ...r, id: 'ro-other' }))).rejects.toThrow(/must not alter the id/);
  });

  it('puts batches idempotently: a second plan keeps the first', async () => {
    const store = new CosmosRolloutStore(database);
    const plan = [batch('ro-b', 0, 0), batch('ro-b', 1, 0), batch('ro-b', 1, 1)];
    await store.putBatches(plan);
    await store.putBatches([batch('ro-b', 0, 0, 5), batch('ro-b', 1, 2)]);

    const first = await store.getBatch('ro-b', batchId('ro-b', 0, 0));
    expect(first).toEqual(plan[0]);
    expectNoSystemProperties(first!);
    expect((await store.listBatches('ro-b')).map((b) => b.id)).toEqual([
      batchId('ro-b', 0, 0),
      batchId('ro-b', 1, 0),
      batchId('ro-b', 1, 1),
      batchId('ro-b', 1, 2),
    ]);
    expect(await store.getBatch('ro-b', 'no-such-batch')).toBeUndefined();
    expect(await store.getBatch('ro-other', batchId('ro-b', 0, 0))).toBeUndefined();
  });

  it('lists the batches of one wave of one rollout only', async () => {
    const store = new CosmosRolloutStore(database);
    await store.putBatches([batch('ro-w1', 0, 0), batch('ro-w1', 1, 0), batch('ro-w1', 1, 1)]);
    await store.putBatches([batch('ro-w2', 0, 0), batch('ro-w2', 1, 0)]);

    const wave1 = await store.listBatches('ro-w1', 1);
    expect(wave1.map((b) => [b.rolloutId, b.wave, b.index])).toEqual([
      ['ro-w1', 1, 0],
      ['ro-w1', 1, 1],
    ]);
    expect((await store.listBatches('ro-w2', 1)).map((b) => b.id)).toEqual([batchId('ro-w2', 1, 0)]);
    expect(await store.listBatches('ro-w3', 0)).toEqual([]);
  });

  it('updates a batch with its etag, also under contention', async () => {
    const store = new CosmosRolloutStore(database);
    await store.putBatches([batch('ro-u', 0, 0, 4)]);
    const id = batchId('ro-u', 0, 0);

    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        store.updateBatch('ro-u', id, (current) => ({
          ...current,
          devices: current.devices.map((d, j) => (j === i ? { ...d, state: 'dispatched' as const } : d)),
        })),
      ),
    );
    const saved = await store.updateBatch('ro-u', id, (current) => ({ ...current, dispatchedAt: '2025-01-01T00:01:00.000Z' }));
    expect(saved.devices.map((d) => d.state)).toEqual(['dispatched', 'dispatched', 'dispatched', 'dispatched']);
    expect(saved.dispatchedAt).toBe('2025-01-01T00:01:00.000Z');
    expectNoSystemProperties(saved);
    expect(await store.getBatch('ro-u', id)).toEqual(saved);

    await expect(store.updateBatch('ro-u', 'missing', (b) => b)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.updateBatch('ro-u', id, (b) => ({ ...b, rolloutId: 'ro-x' }))).rejects.toThrow(/partition key/);
  });
});
