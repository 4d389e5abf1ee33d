/** An output value, as the worker hands it to the host, as the bytes a blob or request body gets. */
import type { RpcTypedData } from '../invoker';

export function typedDataBytes(data: RpcTypedData): Buffer {
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  if (typeof data.int === 'number') return Buffer.from(String(data.int), 'utf8');
  if (typeof data.double === 'number') return Buffer.from(String(data.double), 'utf8');
  return Buffer.alloc(0);
}

/** The JSON value of an output (objects and arrays come as `json`, strings may hold JSON text). */
export function typedDataJson(data: RpcTypedData): unknown {
  const text = typedDataBytes(data).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
