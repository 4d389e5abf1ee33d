/**
 * The Event Grid output binding: the value (one event or an array) is POSTed as a JSON array to the topic URI in
 * the app setting `topicEndpointUri` names, with the key from the setting `topicKeySetting` names in `aeg-sas-key`.
 * A topic that does not accept them (not 2xx) fails the invocation, as the extension's publish does.
 */
import type { RpcBindingInfo } from '../functions-core';
import type { RpcTypedData } from '../invoker';
import { bindingEnvironment, stringProperty } from './binding-environment';
import { typedDataJson } from './typed-data-bytes';

export async function publishEvents(binding: RpcBindingInfo, value: RpcTypedData): Promise<void> {
  const { settings } = bindingEnvironment();
  const uriSetting = stringProperty(binding, 'topicEndpointUri') ?? '';
  const keySetting = stringProperty(binding, 'topicKeySetting') ?? '';
  const uri = settings[uriSetting];
  const key = settings[keySetting];
  if (!uri || !key) throw new Error(`The Event Grid output needs the app settings '${uriSetting}' (topic URI) and '${keySetting}' (topic key).`);
  const events = ([] as unknown[]).concat(typedDataJson(value));
  if (events.length === 0) return;
  const res = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-sas-key': key },
    body: JSON.stringify(events),
  });
  if (!res.ok) {
    throw new Error(`Publishing ${events.length} event(s) to the Event Grid topic ${new URL(uri).host} failed: ${res.status} ${(await res.text()).slice(0, 500)}`);
  }
}
