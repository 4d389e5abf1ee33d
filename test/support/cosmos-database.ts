/** A provisioned database on a fresh Cosmos stand-in for one test file, stopped after it (even on failure). */
import type { Database } from '@azure/cosmos';
import { createCosmosClient } from '../../adapters/cosmos/cosmos-client';
import { startCosmos } from '../../devhost/standins/cosmos';
import { provisionLocal } from '../../scripts/provision-local';

export function useProvisionedCosmos(databaseName = 'ota'): () => Database {
  let database: Database | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const cosmos = await startCosmos();
    const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
    stop = async () => {
      client.dispose();
      await cosmos.stop();
    };
    await provisionLocal({ endpoint: cosmos.endpoint, key: cosmos.key, database: databaseName });
    database = client.database(databaseName);
  });
  afterAll(async () => { await stop?.(); });
  return () => {
    if (!database) throw new Error('the Cosmos stand-in is not started yet');
    return database;
  };
}
