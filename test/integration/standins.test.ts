/** The local stand-ins answer the real Azure SDKs the way the app will use them. */
import { CosmosClient, type Container } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { useStandins } from '../support/standins';

const standins = useStandins();

describe('Azurite', () => {
  it('stores and returns a blob through @azure/storage-blob', async () => {
    const { connectionString, blobEndpoint } = standins.azurite();
    expect(blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    const service = BlobServiceClient.fromConnectionString(connectionString);
    const container = service.getContainerClient('firmware');

    await container.create();
    const blob = container.getBlockBlobClient('sensor/1.0.0.bin');
    const content = Buffer.from('firmware bytes');
    await blob.uploadData(content, { blobHTTPHeaders: { blobContentType: 'application/octet-stream' } });

    expect(await blob.downloadToBuffer()).toEqual(content);
    expect((await blob.getProperties()).contentLength).toBe(content.length);
  });
});

describe('Cosmos stand-in', () => {
  let container: Container;

  beforeAll(async () => {
    const { endpoint, key } = standins.cosmos();
    const client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
    const { database } = await client.databases.createIfNotExists({ id: 'ota' });
    ({ container } = await database.containers.createIfNotExists({ id: 'rollouts', partitionKey: { paths: ['/pk'] } }));
  });

  it('upserts items and answers a parameterised query', async () => {
    await container.items.upsert({ id: 'r1', pk: 'fleet-a', phase: 'Canary' });
    await container.items.upsert({ id: 'r2', pk: 'fleet-a', phase: 'Waves' });
    await container.items.upsert({ id: 'r3', pk: 'fleet-b', phase: 'Canary' });

    const { resources } = await container.items
      .query<{ id: string }>({
        // The stand-in does not scope queries to a partition: filter on the key explicitly.
        query: 'SELECT c.id FROM c WHERE c.pk = @pk AND c.phase = @phase',
        parameters: [
          { name: '@pk', value: 'fleet-a' },
          { name: '@phase', value: 'Canary' },
        ],
      })
      .fetchAll();

    expect(resources.map((r) => r.id)).toEqual(['r1']);
  });

  it('replaces only with the current etag and answers 412 to a stale one', async () => {
    const item = container.item('r9', 'fleet-a');
    const { resource: created } = await container.items.upsert({ id: 'r9', pk: 'fleet-a', version: 1 });
    const staleEtag = created?._etag;
    expect(staleEtag).toBeTruthy();

    const { resource: replaced } = await item.replace(
      { id: 'r9', pk: 'fleet-a', version: 2 },
      { accessCondition: { type: 'IfMatch', condition: staleEtag as string } },
    );
    expect(replaced?._etag).not.toBe(staleEtag);

    await expect(
      item.replace({ id: 'r9', pk: 'fleet-a', version: 3 }, { accessCondition: { type: 'IfMatch', condition: staleEtag as string } }),
    ).rejects.toMatchObject({ code: 412 });
    const { resource: current } = await item.read<{ version: number }>();
    expect(current?.version).toBe(2);
  });
});
