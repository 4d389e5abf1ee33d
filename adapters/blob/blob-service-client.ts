/** Builds the Blob Storage client from settings: a shared-key connection string if one is given, else the managed identity. */
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';

export type BlobConnection =
  /** Shared key, e.g. Azurite's development account. */
  | { connectionString: string }
  /** Entra ID (managed identity in Azure) against the account's blob endpoint. */
  | { serviceUrl: string; credential: TokenCredential };

export function createBlobServiceClient(connection: BlobConnection): BlobServiceClient {
  return 'connectionString' in connection
    ? BlobServiceClient.fromConnectionString(connection.connectionString)
    : new BlobServiceClient(connection.serviceUrl, connection.credential);
}
