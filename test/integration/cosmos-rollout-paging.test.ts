/** Listing rollouts a page at a time on the Cosmos stand-in: every rollout once, no spec read, fast at 1,000. */
import { CosmosRolloutStore } from '../../adapters/cosmos/rollout-store';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import { InvalidContinuationTokenError } from '../../domain/rollouts/rollout-store-port';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
const total = 1_000;

function rollout(i: number, deviceIds?: string[]): RolloutRecord {
  // Several share a creation time, so paging must not lose or repeat ties.
  const createdAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 1000).toISOString();
  return {
    id: `ro-${String(i).padStart(4, '0')}`,
    spec: {
      updateId: { provider: 'contoso', name: 'line-controller', version: `2.0.${i}` },
      target: deviceIds ? { deviceIds } : { query: "tags.site = 'plant-a'" },
      canary: { devices: 1 }, canarySoakMs: 60_000, waves: [{ percent: 100, soakMs: 60_000 }],
      healthCheckIntervalMs: 1_000, deviceTimeoutMs: 30_000, failureThreshold: { percent: 5, minDevices: 10 },
    },
    status: i % 2 === 0 ? 'Completed' : 'InProgress', reason: 'test', createdBy: 'ops@contoso.com', createdAt, updatedAt: createdAt,
    currentWave: -1, waves: [], approvals: [], targetedCount: deviceIds?.length ?? 10,
  };
}

let store: CosmosRolloutStore;
beforeAll(async () => {
  store = new CosmosRolloutStore(provisioned());
  const records = Array.from({ length: total }, (_, i) => rollout(i, i === 500 ? Array.from({ length: 10_000 }, (_, d) => `device-${d}`) : undefined));
  for (let start = 0; start < records.length; start += 20) await Promise.all(records.slice(start, start + 20).map((r) => store.create(r)));
}, 120_000);

test('paging through 1,000 rollouts returns each exactly once, oldest first, without their specs', async () => {
  const seen: string[] = [];
  const createdAts: string[] = [];
  let token: string | undefined;
  let pages = 0;
  const started = Date.now();
  do {
    const page = await store.listPage({}, { limit: 200, ...(token ? { continuationToken: token } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(200);
    for (const item of page.items) {
      seen.push(item.id);
      createdAts.push(item.createdAt);
      expect(Object.keys(item.spec)).toEqual(['updateId']);
    }
    token = page.continuationToken;
    pages += 1;
  } while (token);
  expect(new Set(seen).size).toBe(total);
  expect(seen).toHaveLength(total);
  expect([...createdAts].sort()).toEqual(createdAts);
  expect(pages).toBeGreaterThanOrEqual(5);
  expect(Date.now() - started).toBeLessThan(15_000);
});

test('the first page answers quickly with 1,000 rollouts stored, one of them targeting 10,000 ids', async () => {
  const started = Date.now();
  const page = await store.listPage({}, { limit: 50 });
  expect(page.items).toHaveLength(50);
  expect(page.continuationToken).toEqual(expect.any(String));
  expect(Date.now() - started).toBeLessThan(3_000);
});

test('a status filter pages only the matching rollouts', async () => {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.listPage({ status: 'InProgress' }, { limit: 150, ...(token ? { continuationToken: token } : {}) });
    ids.push(...page.items.map((r) => r.id));
    expect(page.items.every((r) => r.status === 'InProgress')).toBe(true);
    token = page.continuationToken;
  } while (token);
  expect(new Set(ids).size).toBe(total / 2);
});

test('a continuation token the list did not issue is refused', async () => {
  await expect(store.listPage({}, { limit: 10, continuationToken: 'not-a-token' })).rejects.toThrow(InvalidContinuationTokenError);
});

test('findCreatedBy finds a rollout by its creator and update', async () => {
  expect(await store.findCreatedBy('ops@contoso.com', { provider: 'contoso', name: 'line-controller', version: '2.0.7' })).toBe('ro-0007');
  expect(await store.findCreatedBy('someone@contoso.com', { provider: 'contoso', name: 'line-controller', version: '2.0.7' })).toBeUndefined();
});
