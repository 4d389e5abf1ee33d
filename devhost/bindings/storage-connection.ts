/**
 * A Storage connection as the Functions host reads it: the binding's `connection` names an app setting (default
 * `AzureWebJobsStorage`; `AzureWebJobs<name>` is tried too) holding a connection string. `UseDevelopmentStorage=true`
 * means Azurite's well-known account on the host's configured Azurite endpoint.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import type { BindingEnvironment } from './binding-environment';
import { isDevelopmentStorage } from '../development-storage';

const azuriteAccount = 'devstoreaccount1';
// Azurite's published development key: the same on every machine, not a secret.
const azuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The name of the setting that holds the connection string, or undefined when none is set. */
export function storageConnectionSetting(connection: string | undefined, settings: BindingEnvironment['settings']): string | undefined {
  const name = connection ?? 'AzureWebJobsStorage';
  return [name, `AzureWebJobs${name}`].find((candidate) => settings[candidate]);
}

export function describeMissingStorageConnection(connection: string | undefined): string {
  const name = connection ?? 'AzureWebJobsStorage';
  return `the storage connection '${name}' is not set: set the app setting '${name}' to a connection string (or UseDevelopmentStorage=true for Azurite)`;
}

const clients = new Map<string, BlobServiceClient>();

export function blobServiceFor(connection: string | undefined, environment: BindingEnvironment): BlobServiceClient {
  const setting = storageConnectionSetting(connection, environment.settings);
  if (!setting) throw new Error(describeMissingStorageConnection(connection));
  const value = environment.settings[setting]!;
  const connectionString = isDevelopmentStorage(value)
    ? `DefaultEndpointsProtocol=http;AccountName=${azuriteAccount};AccountKey=${azuriteKey};BlobEndpoint=${environment.azuriteBlobEndpoint};`
    : value;
  let client = clients.get(connectionString);
  if (!client) {
    client = BlobServiceClient.fromConnectionString(connectionString);
    clients.set(connectionString, client);
  }
  return client;
}
