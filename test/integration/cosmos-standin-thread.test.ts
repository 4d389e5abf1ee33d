/**
 * The Cosmos stand-in answers from its own thread: while it works through heavy queries, the event loop of the
 * process that started it (the Functions host's, in `npm start`) keeps running.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { startCosmos, type RunningCosmos } from '../../devhost/standins/cosmos';

let cosmos: RunningCosmos;
let client: CosmosClient;
let container: Container;

beforeAll(async () => {
  cosmos = await startCosmos();
  client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const { database } = await client.databases.createIfNotExists({ id: 'load' });
  ({ container } = await database.containers.createIfNotExists({ id: 'docs', partitionKey: { paths: ['/pk'] } }));
  const text = 'lorem ipsum '.repeat(50);
  const tags = Array.from({ length: 50 }, (_, i) => i);
  for (let start = 0; start < 1000; start += 100) {
    await container.items.bulk(Array.from({ length: 100 }, (_, i) => ({
      operationType: 'Create' as const,
      resourceBody: { id: `d${start + i}`, pk: `p${(start + i) % 10}`, text, tags },
    })));
  }
});

afterAll(async () => {
  client?.dispose();
  await cosmos?.stop();
});

it('keeps the starting process responsive while it runs heavy queries', async () => {
  let worstLagMs = 0;
  let last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    worstLagMs = Math.max(worstLagMs, now - last - 10);
    last = now;
  }, 10);
  const startedAt = Date.now();
  try {
    // Joins over 50,000 rows per query, answered with a count: the work is the stand-in's, not this process's. The
    // stand-in's queries are linear (cosmos-linear-queries.ts), so it is kept busy with rounds of them for a second.
    while (Date.now() - startedAt < 1000) {
      const counts = await Promise.all(Array.from({ length: 4 }, () => container.items
        .query<number>("SELECT VALUE COUNT(1) FROM c JOIN t IN c.tags WHERE t >= 0 AND CONTAINS(c.text, 'ipsum')")
        .fetchAll()));
      expect(counts.map(({ resources }) => resources.reduce((a, b) => a + b, 0))).toEqual([50000, 50000, 50000, 50000]);
    }
  } finally {
    clearInterval(ticker);
  }
  const queryMs = Date.now() - startedAt;
  // The queries took a while, yet this process never waited long for its own turn.
  expect(queryMs).toBeGreaterThan(500);
  expect(worstLagMs).toBeLessThan(250);
});
