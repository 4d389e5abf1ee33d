/**
 * What infra/main.bicep creates in Azure and the app expects to exist, created on the local stand-ins.
 * Uses the app's own client factory, so local provisioning talks to Cosmos exactly as the app does.
 */
import { createCosmosClient } from '../adapters/cosmos/cosmos-client';

export async function provisionLocal(cosmos: { endpoint: string; key: string; database: string }): Promise<void> {
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  try {
    await client.databases.createIfNotExists({ id: cosmos.database });
  } finally {
    client.dispose();
  }
}
