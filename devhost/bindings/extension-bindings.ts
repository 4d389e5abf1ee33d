/**
 * The input and output bindings the devhost implements beyond triggers, HTTP and durable: what each needs at
 * registration (checked then, so a misconfigured function fails indexing as in the Functions host) and how it
 * reads or writes at invocation.
 */
import type { RpcBindingInfo } from '../functions-core';
import type { RpcTypedData } from '../invoker';
import { settingReferences, type BindingData } from './binding-expressions';
import { bindingEnvironment, stringProperty } from './binding-environment';
import { readBlob, writeBlob } from './blob-binding';
import { cosmosConnectionSource, describeMissingCosmosConnection } from './cosmos-connection';
import { cosmosOutputTarget, writeCosmosDocuments } from './cosmos-output';
import { publishEvents } from './eventgrid-output';
import { describeMissingStorageConnection, storageConnectionSetting } from './storage-connection';

export interface ExtensionBinding {
  /** Why this binding cannot be indexed, or an empty list. */
  check(binding: RpcBindingInfo): string[];
  read?(binding: RpcBindingInfo, data: BindingData): Promise<RpcTypedData | undefined>;
  write?(binding: RpcBindingInfo, data: BindingData, value: RpcTypedData): Promise<void>;
}

type Settings = Record<string, string | undefined>;

function missingSettings(templates: (string | undefined)[], settings: Settings): string[] {
  return templates.flatMap((t) => settingReferences(t ?? '')).filter((name) => settings[name] === undefined).map((name) => `the app setting '${name}' (named as %${name}%) is not set`);
}

const blob: ExtensionBinding = {
  check(binding) {
    const { settings } = bindingEnvironment();
    const path = stringProperty(binding, 'path');
    const problems = path ? missingSettings([path], settings) : ["'path' is required"];
    const connection = stringProperty(binding, 'connection');
    if (!storageConnectionSetting(connection, settings)) problems.push(describeMissingStorageConnection(connection));
    return problems;
  },
  read: readBlob,
  write: writeBlob,
};

const cosmosDB: ExtensionBinding = {
  check(binding) {
    const { settings } = bindingEnvironment();
    const target = cosmosOutputTarget(binding);
    const problems: string[] = [];
    if (!target.connection) problems.push("'connection' is required");
    else if (!cosmosConnectionSource(target.connection, settings)) problems.push(describeMissingCosmosConnection(target.connection));
    if (!target.databaseName) problems.push("'databaseName' is required");
    if (!target.containerName) problems.push("'containerName' is required");
    return [...problems, ...missingSettings([target.databaseName, target.containerName], settings)];
  },
  write: writeCosmosDocuments,
};

const eventGrid: ExtensionBinding = {
  check(binding) {
    const { settings } = bindingEnvironment();
    if (stringProperty(binding, 'connection')) return ["an identity-based 'connection' is not supported by the devhost: use 'topicEndpointUri' and 'topicKeySetting'"];
    const problems: string[] = [];
    for (const property of ['topicEndpointUri', 'topicKeySetting']) {
      const setting = stringProperty(binding, property);
      if (!setting) problems.push(`'${property}' is required`);
      else if (!settings[setting]) problems.push(`the app setting '${setting}' named by '${property}' is not set`);
    }
    return problems;
  },
  write: (binding, _data, value) => publishEvents(binding, value),
};

/** By binding type and direction, as @azure/functions declares them (`input.storageBlob` is type `blob`, …). */
export const extensionBindings: Record<'in' | 'out', Record<string, ExtensionBinding>> = {
  in: { blob },
  out: { blob, cosmosDB, eventGrid },
};
