/**
 * Builds the Cosmos DB client from settings: the account key if one is given, else the managed identity.
 *
 * Endpoint discovery is off everywhere: the local stand-in is plain HTTP but advertises https:// region
 * endpoints, and the Azure account is serverless, hence single-region, so discovery has nothing to find.
 */
import type { TokenCredential } from '@azure/identity';
import { CosmosClient } from '@azure/cosmos';

export type CosmosConnection =
  | { endpoint: string; key: string }
  /** Entra ID (managed identity in Azure); needs a Cosmos data-plane role assignment, not an ARM role. */
  | { endpoint: string; credential: TokenCredential };

export function createCosmosClient(connection: CosmosConnection): CosmosClient {
  const auth = 'key' in connection ? { key: connection.key } : { aadCredentials: connection.credential };
  return new CosmosClient({
    endpoint: connection.endpoint,
    ...auth,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}
