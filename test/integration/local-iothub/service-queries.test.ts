/** Twin queries on the local hub through the unchanged service SDK: conditions, projections, GROUP BY and paging. */
import { sdkClients, useLocalIotHub, type SdkClients } from '../../support/iothub-sdk';

const deviceCount = 3000;
const hub = useLocalIotHub({ sku: 'S3', quotaOverrides: { queries: Infinity } });
let sdk: SdkClients;

beforeAll(() => {
  sdk = sdkClients(hub());
  const { state } = hub();
  for (let i = 0; i < deviceCount; i++) {
    const deviceId = `q-${String(i).padStart(4, '0')}`;
    state.createIdentity({ deviceId, tags: { site: `plant-${'abc'[i % 3]}`, index: i } });
    state.patchReported(deviceId, { ota: { state: i % 10 === 0 ? 'failed' : 'idle', installedVersion: i % 2 ? '1.0.0' : '2.0.0' } });
  }
});
afterAll(() => sdk?.close());

async function allPages<T>(query: ReturnType<SdkClients['registry']['createQuery']>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  while (query.hasMoreResults) {
    // nextAsTwin/next(token) carry the continuation; next() without it would start over (docs/azure-facts.md).
    const { result } = await query.next(query.continuationToken as unknown as string);
    items.push(...(result as T[]));
    pages++;
    if (pages > 1000) throw new Error('the query never ended');
  }
  return { items, pages };
}

it('pages through every matching twin exactly once with continuation tokens', async () => {
  const query = sdk.registry.createQuery('SELECT * FROM devices', 100);
  const { items, pages } = await allPages<{ deviceId: string; tags: { site: string } }>(query);
  expect(pages).toBe(deviceCount / 100);
  const ids = items.map((twin) => twin.deviceId);
  expect(new Set(ids).size).toBe(deviceCount);
  expect(ids).toHaveLength(deviceCount);
  expect(items[0]).toMatchObject({ deviceId: 'q-0000', tags: { site: 'plant-a' }, properties: { reported: { ota: { state: 'failed' } } } });
});

it('pages with the SDK\'s nextAsTwin and answers the item type', async () => {
  const query = sdk.registry.createQuery("SELECT * FROM devices WHERE tags.site = 'plant-b'", 250);
  let count = 0;
  let headers: Record<string, unknown> = {};
  while (query.hasMoreResults) {
    const { result, message } = await query.nextAsTwin();
    headers = message.headers;
    count += result.length;
    for (const twin of result) expect(twin.tags.site).toBe('plant-b');
  }
  expect(count).toBe(deviceCount / 3);
  expect(headers['x-ms-item-type']).toBe('Twin');
  expect(headers['x-ms-continuation']).toBeUndefined();
});

it('filters on tags and reported properties and projects fields', async () => {
  const query = sdk.registry.createQuery("SELECT deviceId, properties.reported.ota.installedVersion AS version FROM devices WHERE tags.site = 'plant-a' AND properties.reported.ota.state = 'failed'", 1000);
  const { items } = await allPages<{ deviceId: string; version: string }>(query);
  // i % 3 === 0 and i % 10 === 0: every 30th device, index even → version 2.0.0
  expect(items).toHaveLength(100);
  expect(items[0]).toEqual({ deviceId: 'q-0000', version: '2.0.0' });
});

it('groups and counts', async () => {
  const query = sdk.registry.createQuery('SELECT properties.reported.ota.state AS state, COUNT() AS n FROM devices GROUP BY properties.reported.ota.state');
  const { items } = await allPages<{ state: string; n: number }>(query);
  expect(items).toEqual(expect.arrayContaining([{ state: 'failed', n: 300 }, { state: 'idle', n: 2700 }]));
  const { items: total } = await allPages<{ numberOfDevices: number }>(sdk.registry.createQuery('SELECT COUNT() AS numberOfDevices FROM devices'));
  expect(total).toEqual([{ numberOfDevices: deviceCount }]);
});

it('sees twins as they are when each page is read', async () => {
  const query = sdk.registry.createQuery("SELECT deviceId FROM devices WHERE tags.site = 'plant-c'", 500);
  const first = await query.next(undefined as unknown as string);
  expect(first.result).toHaveLength(500);
  // A device deleted before it is reached is not returned; one added meanwhile is.
  hub().state.deleteIdentity('q-2999');
  hub().state.createIdentity({ deviceId: 'q-late', tags: { site: 'plant-c' } });
  const rest = await allPages<{ deviceId: string }>(query);
  const ids = [...(first.result as { deviceId: string }[]), ...rest.items].map((row) => row.deviceId);
  expect(ids).toContain('q-late');
  expect(ids).not.toContain('q-2999');
  expect(new Set(ids).size).toBe(ids.length);
});

it('answers a malformed query with 400 and the parser\'s message, and a bad token with 400', async () => {
  await expect(sdk.registry.createQuery('SELECT * FROM devices WHERE tags.site =').next(undefined as unknown as string)).rejects.toMatchObject({
    name: 'ArgumentError',
    message: expect.stringContaining('Query syntax error'),
  });
  await expect(sdk.registry.createQuery('SELECT * FROM devices').next('not-a-token')).rejects.toMatchObject({ response: { statusCode: 400 } });
});
