/** The local hub's identity registry and twins through the unchanged service SDK (azure-iothub). */
import fs from 'node:fs';
import path from 'node:path';
import { createSas } from '../../../local-iothub/sas';
import { ownerKey, rawRequest, registryWithToken, sdkClients, useLocalIotHub, type SdkClients } from '../../support/iothub-sdk';

const hub = useLocalIotHub({ sku: 'S3', units: 2 });
let sdk: SdkClients;
beforeAll(() => {
  sdk = sdkClients(hub());
});
afterAll(() => sdk?.close());

describe('identities', () => {
  it('creates (generating keys), gets, updates and deletes a device', async () => {
    const { responseBody: created } = await sdk.registry.create({ deviceId: 'crud-1' });
    expect(created.deviceId).toBe('crud-1');
    expect(created.status).toBe('enabled');
    expect(Buffer.from(created.authentication!.symmetricKey!.primaryKey!, 'base64')).toHaveLength(32);

    const { responseBody: got } = await sdk.registry.get('crud-1');
    expect(got.etag).toBe(created.etag);
    expect(got.connectionState).toBe('Disconnected');

    const { responseBody: updated } = await sdk.registry.update({ deviceId: 'crud-1', status: 'disabled' });
    expect(updated.status).toBe('disabled');
    expect(updated.etag).not.toBe(created.etag);
    // Empty keys on update keep the keys.
    expect(updated.authentication!.symmetricKey!.primaryKey).toBe(created.authentication!.symmetricKey!.primaryKey);

    await sdk.registry.delete('crud-1');
    await expect(sdk.registry.get('crud-1')).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
  });

  it('keeps given keys, refuses a duplicate and a bad device id', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const { responseBody } = await sdk.registry.create({ deviceId: 'keyed', authentication: { symmetricKey: { primaryKey: key, secondaryKey: key } } });
    expect(responseBody.authentication!.symmetricKey!.primaryKey).toBe(key);
    await expect(sdk.registry.create({ deviceId: 'keyed' })).rejects.toMatchObject({ name: 'DeviceAlreadyExistsError' });
    await expect(sdk.registry.create({ deviceId: 'has space' })).rejects.toMatchObject({ name: 'ArgumentError' });
  });

  it('adds, updates and removes devices in bulk, with errors per device', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `bulk-${i}`);
    const { responseBody: added } = await sdk.registry.addDevices(ids.map((deviceId) => ({ deviceId })));
    expect(added).toEqual({ isSuccessful: true, errors: [], warnings: [] });

    const { responseBody: again } = await sdk.registry.addDevices([{ deviceId: 'bulk-0' }, { deviceId: 'bulk-new' }]);
    expect(again.isSuccessful).toBe(false);
    expect(again.errors).toEqual([expect.objectContaining({ deviceId: 'bulk-0', errorCode: 'DeviceAlreadyExists' })]);

    const { responseBody: disabled } = await sdk.registry.updateDevices(ids.slice(0, 5).map((deviceId) => ({ deviceId, status: 'disabled' as const })), true);
    expect(disabled.isSuccessful).toBe(true);
    expect((await sdk.registry.get('bulk-3')).responseBody.status).toBe('disabled');

    const { responseBody: stats } = await sdk.registry.getRegistryStatistics();
    expect(stats).toMatchObject({ totalDeviceCount: expect.any(Number), disabledDeviceCount: 5 });

    const { responseBody: removed } = await sdk.registry.removeDevices([...ids, 'bulk-new', 'never-was'].map((deviceId) => ({ deviceId })), true);
    expect(removed.errors).toEqual([expect.objectContaining({ deviceId: 'never-was', errorCode: 'DeviceNotFound' })]);
    expect(hub().state.identities.has('bulk-4')).toBe(false);
  });

  it('lists devices', async () => {
    await sdk.registry.addDevices(['list-a', 'list-b'].map((deviceId) => ({ deviceId })));
    const { responseBody: devices } = await sdk.registry.list();
    expect(devices.map((d) => d.deviceId)).toEqual(expect.arrayContaining(['list-a', 'list-b']));
  });
});

describe('twins', () => {
  beforeAll(async () => {
    await sdk.registry.create({ deviceId: 'twin-1' });
  });

  it('patches tags and desired properties with If-Match, and answers 412 on a stale etag', async () => {
    const { responseBody: twin } = await sdk.registry.getTwin('twin-1');
    expect(twin).toMatchObject({ deviceId: 'twin-1', version: expect.any(Number), properties: { desired: { $version: 1 }, reported: { $version: 1 } } });
    expect(twin.properties.desired.$metadata.$lastUpdated).toEqual(expect.any(String));

    const { responseBody: patched } = await sdk.registry.updateTwin('twin-1', { tags: { site: 'plant-a' }, properties: { desired: { ota: { command: { id: 'c1' } } } } }, twin.etag);
    expect(patched.tags).toEqual({ site: 'plant-a' });
    expect(patched.properties.desired).toMatchObject({ ota: { command: { id: 'c1' } }, $version: 2 });
    expect(patched.etag).not.toBe(twin.etag);

    await expect(sdk.registry.updateTwin('twin-1', { tags: { site: 'plant-b' } }, twin.etag)).rejects.toMatchObject({ name: 'InvalidEtagError', response: { statusCode: 412 } });
    // A merge patch: null removes, other keys stay.
    const { responseBody: merged } = await sdk.registry.updateTwin('twin-1', { tags: { line: 'L3', site: null } }, '*');
    expect(merged.tags).toEqual({ line: 'L3' });
  });

  it('works through the SDK Twin object (get, update with its etag)', async () => {
    const { responseBody: twin } = await sdk.registry.getTwin('twin-1');
    await twin.update({ tags: { model: 'ctl-a' } });
    expect(twin.tags).toMatchObject({ model: 'ctl-a', line: 'L3' });
  });

  it("enforces IoT Hub's twin sizes and names", async () => {
    const big = 'x'.repeat(3000);
    const desired = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, big]));
    await expect(sdk.registry.updateTwin('twin-1', { properties: { desired } }, '*')).rejects.toMatchObject({ name: 'ArgumentError', message: expect.stringContaining('32768') });
    await expect(sdk.registry.updateTwin('twin-1', { tags: { a: 'y'.repeat(5000) } }, '*')).rejects.toMatchObject({ response: { statusCode: 400 } });
    await expect(sdk.registry.updateTwin('twin-1', { tags: { 'a.b': 1 } }, '*')).rejects.toMatchObject({ response: { statusCode: 400 } });
    await expect(sdk.registry.updateTwin('twin-1', { properties: { reported: { a: 1 } } } as never, '*')).rejects.toMatchObject({ response: { statusCode: 400 } });
    await expect(sdk.registry.getTwin('no-such-device')).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
  });

  it('replaces tags and desired properties with PUT', async () => {
    const res = await rawRequest(hub(), 'PUT', '/twins/twin-1?api-version=2021-04-12', JSON.stringify({ tags: { only: 'this' }, properties: { desired: { x: 1 } } }), { 'If-Match': '*' });
    expect(res.status).toBe(200);
    const twin = JSON.parse(res.body);
    expect(twin.tags).toEqual({ only: 'this' });
    expect(twin.properties.desired).toMatchObject({ x: 1 });
    expect(twin.properties.desired.ota).toBeUndefined();
  });
});

describe('authentication and malformed requests', () => {
  it('refuses a wrong key and an expired token with 401', async () => {
    const wrongKey = Buffer.alloc(32, 1).toString('base64');
    const wrong = sdkClients(hub(), hub().serviceConnectionString.replace(ownerKey(hub()), wrongKey));
    try {
      await expect(wrong.registry.getTwin('twin-1')).rejects.toMatchObject({ name: 'UnauthorizedError', response: { statusCode: 401, headers: { 'iothub-errorcode': 'IotHubUnauthorizedAccess' } } });
    } finally {
      wrong.close();
    }
    const expired = registryWithToken(hub(), createSas('localhost', ownerKey(hub()), Math.floor(Date.now() / 1000) - 60, 'iothubowner'));
    try {
      await expect(expired.registry.get('twin-1')).rejects.toMatchObject({ name: 'UnauthorizedError' });
    } finally {
      expired.close();
    }
  });

  it('honours policy permissions (registryRead cannot write)', async () => {
    const policies = fs.readFileSync(path.join(path.dirname(hub().connectionInfoFile), 'policies.json'), 'utf8');
    const readKey = (JSON.parse(policies) as { name: string; primaryKey: string }[]).find((p) => p.name === 'registryRead')!.primaryKey;
    const reader = sdkClients(hub(), `HostName=localhost:${hub().httpsPort};SharedAccessKeyName=registryRead;SharedAccessKey=${readKey}`);
    try {
      await expect(reader.registry.get('twin-1')).resolves.toBeDefined();
      await expect(reader.registry.create({ deviceId: 'not-allowed' })).rejects.toMatchObject({ name: 'UnauthorizedError' });
    } finally {
      reader.close();
    }
  });

  it('answers in IoT Hub\'s error format: 404, 405, 400 for bad JSON, 413 for big bodies', async () => {
    const unknown = await rawRequest(hub(), 'GET', '/nothing/here?api-version=2021-04-12');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ Message: expect.stringMatching(/^ErrorCode:NotFound;/), ExceptionMessage: expect.stringMatching(/^Tracking ID:/) });

    const wrongMethod = await rawRequest(hub(), 'DELETE', '/twins/twin-1?api-version=2021-04-12');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toContain('PATCH');

    const badJson = await rawRequest(hub(), 'PATCH', '/twins/twin-1?api-version=2021-04-12', '{"tags":', { 'If-Match': '*' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers['iothub-errorcode']).toBe('ArgumentInvalid');

    const huge = await rawRequest(hub(), 'PATCH', '/twins/twin-1?api-version=2021-04-12', JSON.stringify({ tags: { a: 'z'.repeat(300 * 1024) } }), { 'If-Match': '*' });
    expect(huge.status).toBe(413);

    const noAuth = await rawRequest(hub(), 'GET', '/devices/twin-1?api-version=2021-04-12', undefined, { Authorization: 'nonsense' });
    expect(noAuth.status).toBe(401);
  });
});
