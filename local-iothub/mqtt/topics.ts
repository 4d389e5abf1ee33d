/**
 * IoT Hub's device-side MQTT names: the CONNECT user name, the topic filters a device may subscribe to and the
 * topics it may publish to. Pure functions, so the connection code stays about the protocol.
 */

export const TWIN_RESPONSES = '$iothub/twin/res/#';
export const DESIRED_PATCHES = '$iothub/twin/PATCH/properties/desired/#';
export const METHOD_REQUESTS = '$iothub/methods/POST/#';
export const cloudToDeviceFilter = (deviceId: string): string => `devices/${deviceId}/messages/devicebound/#`;

/** IoT Hub is not a broker: a device subscribes to these filters, spelled exactly so, or to nothing. */
export function isDeviceFilter(filter: string, deviceId: string): boolean {
  return filter === TWIN_RESPONSES || filter === DESIRED_PATCHES || filter === METHOD_REQUESTS || filter === cloudToDeviceFilter(deviceId);
}

export interface UserName {
  hostName: string;
  deviceId: string;
  /** The query after `/?` (api-version, DeviceClientType, model-id …), not interpreted. */
  query: string;
}

/**
 * `{hostName}/{deviceId}/?api-version=…`; also `{hostName}/{deviceId}` and `{hostName}/{deviceId}/` (older clients).
 * Device ids cannot hold `/`, so the second `/` ends the id; a third path segment is a module identity, not served.
 */
export function parseUserName(userName: string): UserName | undefined {
  const first = userName.indexOf('/');
  if (first <= 0) return undefined;
  const rest = userName.slice(first + 1);
  const second = rest.indexOf('/');
  const deviceId = second < 0 ? rest : rest.slice(0, second);
  const tail = second < 0 ? '' : rest.slice(second + 1);
  if (!deviceId || (tail !== '' && !tail.startsWith('?'))) return undefined;
  return { hostName: userName.slice(0, first), deviceId, query: tail.slice(1) };
}

export type DevicePublish =
  | { kind: 'twinGet'; rid: string }
  | { kind: 'reportedPatch'; rid: string }
  | { kind: 'methodResponse'; rid: string; status: number }
  | { kind: 'telemetry'; properties: Record<string, string> }
  | { kind: 'invalid'; reason: string };

/** What a device's PUBLISH asks for; `invalid` for any topic that is not one of its own. */
export function parseDevicePublish(topic: string, deviceId: string): DevicePublish {
  const events = `devices/${deviceId}/messages/events`;
  if (topic === events || topic.startsWith(`${events}/`)) {
    const properties = decodePropertyBag(topic.slice(events.length + 1));
    return properties ? { kind: 'telemetry', properties } : { kind: 'invalid', reason: 'malformed property bag' };
  }
  if (!topic.startsWith('$iothub/')) return { kind: 'invalid', reason: 'not a topic of this device' };
  const question = topic.indexOf('?');
  if (question < 0) return { kind: 'invalid', reason: 'no $rid' };
  const path = topic.slice(0, question).replace(/\/$/, '');
  // $rid is echoed exactly as sent: the SDK matches replies on the raw string.
  const rid = rawQueryValue(topic.slice(question + 1), '$rid');
  if (!rid) return { kind: 'invalid', reason: 'no $rid' };
  if (path === '$iothub/twin/GET') return { kind: 'twinGet', rid };
  if (path === '$iothub/twin/PATCH/properties/reported') return { kind: 'reportedPatch', rid };
  const method = /^\$iothub\/methods\/res\/(-?\d{1,9})$/.exec(path);
  if (method) return { kind: 'methodResponse', rid, status: Number(method[1]) };
  return { kind: 'invalid', reason: 'not a topic of this device' };
}

/**
 * The telemetry property bag `k1=v1&k2=v2` (URL-encoded; a trailing `/` allowed, as the SDKs send for module outputs).
 * System keys (`$.mid`, `$.cid`, `$.ct`, `$.ce` …) are kept as sent. `undefined` when the encoding is broken.
 */
export function decodePropertyBag(bag: string): Record<string, string> | undefined {
  // A Map, then fromEntries: a key such as `__proto__` becomes an own property, never the prototype.
  const properties = new Map<string, string>();
  for (const pair of bag.replace(/\/$/, '').split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    try {
      const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      if (key) properties.set(key, eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1)));
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(properties);
}

/** A method name goes into a topic level: no separators, wildcards or query marks. */
export function isTopicSafeMethodName(name: string): boolean {
  return /^[^/#+?\u0000-\u001f\u007f]{1,256}$/.test(name);
}

function rawQueryValue(query: string, name: string): string | undefined {
  for (const pair of query.split('&')) {
    if (pair.startsWith(`${name}=`)) return pair.slice(name.length + 1);
  }
  return undefined;
}
