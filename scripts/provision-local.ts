/**
 * What infra/main.bicep creates in Azure and the app expects to exist, created on the local stand-ins.
 * Uses the app's own client factory, so local provisioning talks to Cosmos exactly as the app does.
 * Idempotent: what exists already is left as it is (a restart with --data keeps its containers).
 */
import { PartitionKeyDefinitionVersion } from '@azure/cosmos';
import { createCosmosClient } from '../adapters/cosmos/cosmos-client';
import { containers } from '../adapters/cosmos/containers';
import { createBlobServiceClient } from '../adapters/blob/blob-service-client';

export async function provisionLocal(cosmos: { endpoint: string; key: string; database: string }): Promise<void> {
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  try {
    const { database } = await client.databases.createIfNotExists({ id: cosmos.database });
    for (const { id, partitionKeyPath } of Object.values(containers)) {
      // Version 2 (large partition keys), as infra/modules/cosmos.bicep declares it.
      await database.containers.createIfNotExists({
        id,
        partitionKey: { paths: [partitionKeyPath], version: PartitionKeyDefinitionVersion.V2 },
      });
    }
  } finally {
    client.dispose();
  }
}

/** The blob containers infra/modules/storage.bicep creates: packages and firmware uploads. */
export async function provisionLocalBlobs(connectionString: string, containerNames: string[]): Promise<void> {
  const service = createBlobServiceClient({ connectionString });
  for (const name of containerNames) await service.getContainerClient(name).createIfNotExists();
}
