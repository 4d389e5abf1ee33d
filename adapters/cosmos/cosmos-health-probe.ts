/**
 * Probes Cosmos DB by reading the app's database: it proves the account answers, our credential is accepted
 * (metadata reads are part of the built-in data roles) and the database exists.
 */
import type { CosmosClient } from '@azure/cosmos';
import type { HealthProbe } from '../../domain/health';

export function createCosmosHealthProbe(client: CosmosClient, databaseId: string): HealthProbe {
  return {
    async check(signal) {
      await client.database(databaseId).read({ abortSignal: signal });
    },
  };
}
