/**
 * Blob input and output bindings against Blob Storage (Azurite locally). `path` is `<container>/<blob name>` with
 * binding expressions. Input: the blob's bytes (a string with `dataType: 'string'`), nothing when it does not exist.
 * Output: the value written as the blob's content, the container created when missing, as the host's extension does.
 */
import type { RpcBindingInfo } from '../functions-core';
import type { RpcTypedData } from '../invoker';
import { resolveBindingExpression, type BindingData } from './binding-expressions';
import { bindingEnvironment, stringProperty } from './binding-environment';
import { blobServiceFor } from './storage-connection';
import { typedDataBytes } from './typed-data-bytes';

function blobClientFor(binding: RpcBindingInfo, data: BindingData) {
  const environment = bindingEnvironment();
  const path = resolveBindingExpression(stringProperty(binding, 'path') ?? '', data, environment.now(), environment.settings);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw new Error(`The blob path '${path}' must be '<container>/<blob name>'.`);
  const container = blobServiceFor(stringProperty(binding, 'connection'), environment).getContainerClient(path.slice(0, slash));
  return { container, blob: container.getBlockBlobClient(path.slice(slash + 1)) };
}

export async function readBlob(binding: RpcBindingInfo, data: BindingData): Promise<RpcTypedData | undefined> {
  const { blob } = blobClientFor(binding, data);
  let content: Buffer;
  try {
    content = await blob.downloadToBuffer();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
  return binding.dataType === 'string' ? { string: content.toString('utf8') } : { bytes: content };
}

export async function writeBlob(binding: RpcBindingInfo, data: BindingData, value: RpcTypedData): Promise<void> {
  const { container, blob } = blobClientFor(binding, data);
  const content = typedDataBytes(value);
  await container.createIfNotExists();
  await blob.upload(content, content.length);
}
