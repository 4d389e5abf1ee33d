/**
 * The identity registry: `PUT/GET/DELETE /devices/{id}`, `GET /devices/` (at most `top`, ≤ 1000), bulk
 * `POST /devices` (1–100 operations, errors per device) and `GET /statistics/devices|service`.
 *
 * PUT without If-Match creates (409 when the id is taken), with If-Match updates (`*` or the identity's etag);
 * empty keys mean "generate" on create and "keep" on update. Only SAS authentication is supported.
 */
import { HubError, isObject, type DeviceIdentity, type HubState, type Json, type JsonObject } from '../hub-state';
import { identityJson } from '../twin-json';
import { badRequest } from './errors';
import { unquoteEtag, type Route } from './types';

/** IoT Hub's device id alphabet (docs/device-twin-contract.md), up to 128 characters. */
const deviceIdPattern = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;
const maxListed = 1000;

interface IdentityInput {
  primaryKey?: string;
  secondaryKey?: string;
  status?: 'enabled' | 'disabled';
  statusReason?: string;
}

export function identityRoutes(state: HubState): Route[] {
  const read = ['RegistryRead'] as const;
  const write = ['RegistryWrite'] as const;
  return [
    {
      method: 'GET', path: '/devices', permissions: read, quota: 'identityRegistry',
      handle: ({ query }) => {
        const top = query.has('top') ? Number(query.get('top')) : maxListed;
        if (!Number.isInteger(top) || top < 1 || top > maxListed) throw badRequest(`top must be an integer from 1 to ${maxListed}`);
        const devices: JsonObject[] = [];
        for (const identity of state.identities.values()) {
          if (devices.length >= top) break;
          devices.push(identityJson(identity, state));
        }
        return { status: 200, body: devices };
      },
    },
    {
      method: 'GET', path: '/devices/{id}', permissions: read, quota: 'identityRegistry',
      handle: (_, { id }) => ({ status: 200, body: identityJson(state.requireIdentity(id!), state) }),
    },
    {
      method: 'PUT', path: '/devices/{id}', permissions: write, quota: 'identityRegistry',
      handle: ({ body, headers }, { id }) => {
        const deviceId = id!;
        if (!isObject(body as Json)) throw badRequest('the device must be a JSON object');
        const device = body as JsonObject;
        if (device.deviceId !== undefined && device.deviceId !== deviceId) throw badRequest(`the body's deviceId ${String(device.deviceId)} is not the URL's ${deviceId}`);
        const input = identityInput(device);
        const ifMatch = unquoteEtag(headers['if-match']);
        const identity = ifMatch === undefined ? create(state, deviceId, input) : state.updateIdentity(deviceId, input, ifMatch);
        return { status: 200, body: identityJson(identity, state), headers: { ETag: `"${identity.etag}"` } };
      },
    },
    {
      method: 'DELETE', path: '/devices/{id}', permissions: write, quota: 'identityRegistry',
      handle: ({ headers }, { id }) => {
        state.deleteIdentity(id!, unquoteEtag(headers['if-match']));
        return { status: 204 };
      },
    },
    {
      method: 'POST', path: '/devices', permissions: write, quota: 'identityRegistry',
      handle: ({ body }) => ({ status: 200, body: bulk(state, body) }),
    },
    {
      method: 'GET', path: '/statistics/devices', permissions: read, quota: 'identityRegistry',
      handle: () => {
        let enabled = 0;
        for (const identity of state.identities.values()) if (identity.status === 'enabled') enabled++;
        const total = state.identities.size;
        return { status: 200, body: { totalDeviceCount: total, enabledDeviceCount: enabled, disabledDeviceCount: total - enabled } };
      },
    },
    {
      method: 'GET', path: '/statistics/service', permissions: [...read, 'ServiceConnect'],
      handle: () => {
        let connected = 0;
        for (const deviceId of state.identities.keys()) if (state.isConnected(deviceId)) connected++;
        return { status: 200, body: { connectedDeviceCount: connected } };
      },
    },
  ];
}

function create(state: HubState, deviceId: string, input: IdentityInput): DeviceIdentity {
  if (!deviceIdPattern.test(deviceId)) throw badRequest(`device id '${deviceId.slice(0, 140)}' is not 1 to 128 of the characters IoT Hub allows`);
  const identity = state.createIdentity({ deviceId, ...input });
  return input.statusReason !== undefined ? state.updateIdentity(deviceId, { statusReason: input.statusReason }) : identity;
}

function identityInput(device: JsonObject): IdentityInput {
  const input: IdentityInput = {};
  if (device.status !== undefined && device.status !== null) {
    if (device.status !== 'enabled' && device.status !== 'disabled') throw badRequest(`status must be enabled or disabled, not ${String(device.status)}`);
    input.status = device.status;
  }
  if (typeof device.statusReason === 'string') input.statusReason = device.statusReason;
  const auth = device.authentication;
  if (auth === undefined || auth === null) return input;
  if (!isObject(auth)) throw badRequest('authentication must be a JSON object');
  if (auth.type !== undefined && auth.type !== 'sas') throw badRequest(`authentication type ${String(auth.type)} is not supported by the local hub: use sas`);
  const keys = auth.symmetricKey;
  if (isObject(keys)) {
    for (const name of ['primaryKey', 'secondaryKey'] as const) {
      const key = keys[name];
      if (key === undefined || key === null || key === '') continue;
      if (typeof key !== 'string' || !isDeviceKey(key)) throw badRequest(`${name} must be base64 of 16 to 64 bytes`);
      input[name] = key;
    }
  }
  return input;
}

function isDeviceKey(key: string): boolean {
  const bytes = Buffer.from(key, 'base64');
  return bytes.length >= 16 && bytes.length <= 64 && bytes.toString('base64') === key;
}

/** `POST /devices`: each operation on its own; failures are reported per device, not as the request's status. */
function bulk(state: HubState, body: unknown): JsonObject {
  if (!Array.isArray(body) || body.length < 1 || body.length > 100) throw badRequest('a bulk registry operation takes an array of 1 to 100 devices');
  const ids = new Set<string>();
  for (const item of body as Json[]) {
    if (!isObject(item) || typeof item.id !== 'string' || !item.id) throw badRequest('every device of a bulk operation needs an id');
    if (ids.has(item.id)) throw new HubError(400, 'DeviceDefinedMultipleTimes', `device ${item.id} appears more than once`);
    ids.add(item.id);
  }
  const errors: JsonObject[] = [];
  for (const item of body as JsonObject[]) {
    const deviceId = item.id as string;
    try {
      const mode = String(item.importMode ?? 'create').toLowerCase();
      const etag = typeof item.eTag === 'string' ? unquoteEtag(item.eTag) : undefined;
      const ifMatch = mode.endsWith('ifmatchetag') ? (etag ?? '') : '*';
      if (mode === 'create') create(state, deviceId, identityInput(item));
      else if (mode === 'update' || mode === 'updateifmatchetag') state.updateIdentity(deviceId, identityInput(item), ifMatch);
      else if (mode === 'delete' || mode === 'deleteifmatchetag') state.deleteIdentity(deviceId, ifMatch);
      else throw badRequest(`importMode ${String(item.importMode)} is not one of create, update, updateIfMatchETag, delete, deleteIfMatchETag`);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      errors.push({ deviceId, errorCode: error.code, errorStatus: error.message });
    }
  }
  return { isSuccessful: errors.length === 0, errors, warnings: [] };
}
