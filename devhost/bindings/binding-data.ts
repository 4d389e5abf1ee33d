/**
 * The binding data of one invocation, from which `{name}` expressions resolve: as in the Functions host, the
 * trigger's metadata, an HTTP request's route parameters, `query` and `headers` (and a JSON body's top-level
 * properties), any other trigger's value's top-level properties when it is an object, and `sys`.
 */
import type { RpcTypedData } from '../invoker';
import type { BindingData } from './binding-expressions';

export function bindingDataOf(functionName: string, trigger: RpcTypedData, triggerMetadata: Record<string, unknown>, now: Date): BindingData {
  const data: BindingData = { ...triggerMetadata };
  const http = trigger.http as { params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string>; body?: RpcTypedData } | undefined | null;
  if (http) {
    Object.assign(data, objectProperties(parseJson(http.body)), { query: http.query ?? {}, headers: http.headers ?? {} }, http.params ?? {});
  } else {
    Object.assign(data, objectProperties(parseJson(trigger)));
  }
  data.sys = { MethodName: functionName, UtcNow: now.toISOString(), RandGuid: undefined };
  return data;
}

function parseJson(value: RpcTypedData | null | undefined): unknown {
  if (!value) return undefined;
  const text = typeof value.json === 'string' ? value.json : typeof value.string === 'string' ? value.string : value.bytes ? Buffer.from(value.bytes).toString('utf8') : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function objectProperties(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
