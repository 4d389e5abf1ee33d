/**
 * A direct method call as IoT Hub makes it: wait up to `connectTimeoutInSeconds` for the device to be online
 * (404 DeviceNotOnline after that, at once when 0), then up to `responseTimeoutInSeconds` (5–300) for its answer
 * (504 GatewayTimeout). Timeouts run on the wall clock, as the caller's HTTP request does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HubError, isObject, type HubState, type Json } from '../hub-state';
import { jsonBytes } from './twin-limits';

export interface MethodParams {
  methodName: string;
  payload: Json;
  responseTimeoutInSeconds: number;
  connectTimeoutInSeconds: number;
}

const maxPayloadBytes = 128 * 1024;
const onlinePollMs = 200;

/** Validates `{methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds}` (400 when wrong). */
export function methodParamsOf(body: unknown): MethodParams {
  if (!isObject(body as Json)) throw new HubError(400, 'ArgumentInvalid', 'the method request must be a JSON object');
  const { methodName, payload = null, responseTimeoutInSeconds = 30, connectTimeoutInSeconds = 0 } = body as Record<string, Json | undefined>;
  if (typeof methodName !== 'string' || !methodName || methodName.length > 100) throw new HubError(400, 'ArgumentInvalid', 'methodName must be a string of 1 to 100 characters');
  const seconds = (value: Json | undefined, name: string, min: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 300) throw new HubError(400, 'ArgumentInvalid', `${name} must be an integer from ${min} to 300`);
    return value;
  };
  if (payload !== undefined && jsonBytes(payload) > maxPayloadBytes) throw new HubError(400, 'ArgumentInvalid', `the method payload is over ${maxPayloadBytes} bytes`);
  return {
    methodName,
    payload: payload ?? null,
    responseTimeoutInSeconds: seconds(responseTimeoutInSeconds, 'responseTimeoutInSeconds', 5),
    connectTimeoutInSeconds: seconds(connectTimeoutInSeconds, 'connectTimeoutInSeconds', 0),
  };
}

export async function invokeDirectMethod(state: HubState, deviceId: string, params: MethodParams): Promise<{ status: number; payload: Json }> {
  state.requireIdentity(deviceId);
  const connectDeadline = Date.now() + params.connectTimeoutInSeconds * 1000;
  while (!state.isConnected(deviceId) && Date.now() < connectDeadline) await sleep(onlinePollMs);
  const timeoutMs = params.responseTimeoutInSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HubError(504, 'GatewayTimeout', `Timed out waiting for the response from device ${deviceId}`)), timeoutMs);
  });
  const call = state.invokeMethod(deviceId, params.methodName, params.payload, timeoutMs);
  call.catch(() => undefined); // an answer (or failure) after the timeout is dropped, as IoT Hub drops it
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
