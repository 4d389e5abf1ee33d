/** Updates, import rules and import records listed a page at a time on the Cosmos stand-in: each once, in order, filtered. */
import { CosmosImportRecordStore, CosmosImportRuleStore } from '../../adapters/cosmos/import-stores';
import { CosmosUpdateStore } from '../../adapters/cosmos/update-store';
import { InvalidContinuationTokenError, type Page, type PageRequest } from '../../domain/rollouts/rollout-store-port';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

async function readAll<T>(read: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await read({ limit, ...(token ? { continuationToken: token } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    token = page.continuationToken;
    pages++;
  } while (token);
  return { items, pages };
}

test('updates: every version once, in registration order, filtered by name', async () => {
  const store = new CosmosUpdateStore(provisioned());
  for (let i = 0; i < 45; i++) {
    await store.put({ updateId: { provider: 'contoso', name: i % 3 === 0 ? 'plc-firmware' : 'line-controller', version: `1.0.${i}` }, compatibility: [{ model: 'ctl-a' }], files: [], createdAt: at(i) });
  }
  const all = await readAll((page) => store.listPage({}, page), 10);
  expect(all.items.map((u) => u.createdAt)).toEqual(Array.from({ length: 45 }, (_, i) => at(i)));
  expect(all.pages).toBe(5);
  const plc = await readAll((page) => store.listPage({ provider: 'contoso', name: 'plc-firmware' }, page), 4);
  expect(plc.items.map((u) => u.updateId.version)).toEqual(Array.from({ length: 15 }, (_, i) => `1.0.${i * 3}`));
  await expect(store.listPage({}, { limit: 10, continuationToken: 'bm90LWEtdG9rZW4' })).rejects.toThrow(InvalidContinuationTokenError);
});

test('import rules by id and import records oldest first, filtered by status', async () => {
  const database = provisioned();
  const rules = new CosmosImportRuleStore(database);
  const records = new CosmosImportRecordStore(database);
  for (let i = 24; i >= 0; i--) {
    await rules.put({ ruleId: `rule-${String(i).padStart(2, '0')}`, source: { repository: `edge/r${i}` }, update: { provider: 'contoso', name: `r${i}` }, compatibility: [{ model: 'ctl-a' }], prerequisites: [], deltaFromPrevious: 0, manifestLifetimeDays: 90, updatedAt: at(i) });
    await records.create({ eventId: `evt-${i}`, eventType: 'Microsoft.ContainerRegistry.ImagePushed', subject: `edge/r${i}`, status: i % 2 ? 'Imported' : 'Failed', reason: 'test', receivedAt: at(i), updatedAt: at(i) });
  }
  expect((await readAll((page) => rules.listPage(page), 7)).items.map((r) => r.ruleId)).toEqual(Array.from({ length: 25 }, (_, i) => `rule-${String(i).padStart(2, '0')}`));
  const failed = await readAll((page) => records.listPage({ status: 'Failed' }, page), 5);
  expect(failed.items.map((r) => r.eventId)).toEqual(Array.from({ length: 13 }, (_, i) => `evt-${i * 2}`));
});
