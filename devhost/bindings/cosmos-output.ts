/**
 * The Cosmos DB output binding: each document of the value (one object or an array of them) is upserted into
 * `databaseName`/`containerName`; a document without `id` gets a new GUID, as in the extension. With
 * `createIfNotExists` the database and container are created first (partition key path `partitionKey`, default `/id`).
 */
import { randomUUID } from 'node:crypto';
import type { RpcBindingInfo } from '../functions-core';
import type { RpcTypedData } from '../invoker';
import { resolveBindingExpression, type BindingData } from './binding-expressions';
import { bindingEnvironment, stringProperty } from './binding-environment';
import { cosmosClientFor } from './cosmos-connection';
import { typedDataJson } from './typed-data-bytes';

/** The binding's properties under both @azure/functions names (v4 extension; v3 in brackets). */
export function cosmosOutputTarget(binding: RpcBindingInfo) {
  return {
    connection: stringProperty(binding, 'connection') ?? stringProperty(binding, 'connectionStringSetting'),
    databaseName: stringProperty(binding, 'databaseName'),
    containerName: stringProperty(binding, 'containerName') ?? stringProperty(binding, 'collectionName'),
  };
}

export async function writeCosmosDocuments(binding: RpcBindingInfo, data: BindingData, value: RpcTypedData): Promise<void> {
  const environment = bindingEnvironment();
  const target = cosmosOutputTarget(binding);
  const resolve = (template: string) => resolveBindingExpression(template, data, environment.now(), environment.settings);
  const client = cosmosClientFor(target.connection ?? '', environment);
  const databaseId = resolve(target.databaseName ?? '');
  const containerId = resolve(target.containerName ?? '');
  const documents = ([] as unknown[]).concat(typedDataJson(value));
  for (const document of documents) {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new Error(`The Cosmos DB output to ${databaseId}/${containerId} takes objects; got ${JSON.stringify(document)}.`);
    }
  }
  if (binding.createIfNotExists === true) {
    const { database } = await client.databases.createIfNotExists({ id: databaseId });
    const partitionKeyPath = stringProperty(binding, 'partitionKey') ?? '/id';
    const throughput = typeof binding.containerThroughput === 'number' ? binding.containerThroughput : undefined;
    await database.containers.createIfNotExists({ id: containerId, partitionKey: { paths: [partitionKeyPath] }, throughput });
  }
  const container = client.database(databaseId).container(containerId);
  for (const document of documents as Record<string, unknown>[]) {
    await container.items.upsert({ ...document, id: typeof document.id === 'string' && document.id ? document.id : randomUUID() });
  }
}
