/** The health probes, built by the app's own client factories, against the local stand-ins. */
import { useStandins } from '../support/standins';
import { createBlobHealthProbe } from '../../adapters/blob/blob-health-probe';
import { createBlobServiceClient } from '../../adapters/blob/blob-service-client';
import { createCosmosClient } from '../../adapters/cosmos/cosmos-client';
import { createCosmosHealthProbe } from '../../adapters/cosmos/cosmos-health-probe';

const standins = useStandins();

const within = (ms: number): AbortSignal => AbortSignal.timeout(ms);

describe('blob probe', () => {
  it('passes against Azurite', async () => {
    const client = createBlobServiceClient({ connectionString: standins.azurite().connectionString });

    await expect(createBlobHealthProbe(client).check(within(3_000))).resolves.toBeUndefined();
  });

  it('fails when nothing listens', async () => {
    const closed = standins.azurite().connectionString.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1');
    const client = createBlobServiceClient({ connectionString: closed });

    // The SDK retries a refused connection until the signal aborts.
    await expect(createBlobHealthProbe(client).check(within(300))).rejects.toBeDefined();
  });
});

describe('cosmos probe', () => {
  it('passes once the database exists, and fails with 404 before', async () => {
    const { endpoint, key } = standins.cosmos();
    const client = createCosmosClient({ endpoint, key });
    const probe = createCosmosHealthProbe(client, 'ota-probe');

    await expect(probe.check(within(3_000))).rejects.toMatchObject({ code: 404 });
    await client.databases.createIfNotExists({ id: 'ota-probe' });
    await expect(probe.check(within(3_000))).resolves.toBeUndefined();
  });

  it('fails when nothing listens', async () => {
    const client = createCosmosClient({ endpoint: 'http://127.0.0.1:1/', key: standins.cosmos().key });

    await expect(createCosmosHealthProbe(client, 'ota').check(within(3_000))).rejects.toBeDefined();
  });
});
