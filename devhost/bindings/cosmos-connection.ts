/**
 * A Cosmos DB connection as the Functions extension reads it: the binding's `connection` names either an app setting
 * holding a connection string (`AccountEndpoint=…;AccountKey=…;`) or, identity-based, `<connection>__accountEndpoint`.
 * Locally an identity-based connection to a loopback endpoint (the Cosmos stand-in, which checks no signature) uses
 * the emulator's published key; any other endpoint uses DefaultAzureCredential, as Core Tools does.
 */
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import type { BindingEnvironment } from './binding-environment';

const emulatorKey = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export type CosmosConnectionSource = { connectionString: string } | { accountEndpoint: string };

export function cosmosConnectionSource(connection: string, settings: BindingEnvironment['settings']): CosmosConnectionSource | undefined {
  const connectionString = settings[connection];
  if (connectionString) return { connectionString };
  const accountEndpoint = settings[`${connection}__accountEndpoint`];
  return accountEndpoint ? { accountEndpoint } : undefined;
}

export function describeMissingCosmosConnection(connection: string): string {
  return `the Cosmos DB connection '${connection}' is not set: set '${connection}' to a connection string or '${connection}__accountEndpoint' to the account endpoint`;
}

function parseConnectionString(value: string): { endpoint: string; key: string } {
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const endpoint = parts.get('accountendpoint');
  const key = parts.get('accountkey');
  if (!endpoint || !key) throw new Error('The Cosmos DB connection string needs AccountEndpoint and AccountKey.');
  return { endpoint, key };
}

const isLoopback = (endpoint: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
const clients = new Map<string, CosmosClient>();

export function cosmosClientFor(connection: string, environment: BindingEnvironment): CosmosClient {
  const source = cosmosConnectionSource(connection, environment.settings);
  if (!source) throw new Error(describeMissingCosmosConnection(connection));
  const cacheKey = JSON.stringify(source);
  let client = clients.get(cacheKey);
  if (!client) {
    // Endpoint discovery off: the stand-in is plain HTTP but advertises https:// regions (see devhost/standins/cosmos.ts).
    const connectionPolicy = { enableEndpointDiscovery: false };
    if ('connectionString' in source) {
      client = new CosmosClient({ ...parseConnectionString(source.connectionString), connectionPolicy });
    } else if (isLoopback(source.accountEndpoint)) {
      client = new CosmosClient({ endpoint: source.accountEndpoint, key: emulatorKey, connectionPolicy });
    } else {
      client = new CosmosClient({ endpoint: source.accountEndpoint, aadCredentials: new DefaultAzureCredential(), connectionPolicy });
    }
    clients.set(cacheKey, client);
  }
  return client;
}
