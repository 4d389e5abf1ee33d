/**
 * Direct methods (to a device connected over MQTT with the official device SDK, to an offline one, to one that
 * never answers) and throttling (429 → the SDK's ThrottlingError) on the local hub, through the unchanged SDKs.
 */
import fs from 'node:fs';
import { Client as DeviceClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { rawRequest, sdkClients, useLocalIotHub, type SdkClients } from '../../support/iothub-sdk';

// Tiny quotas for two classes, to see 429s; direct methods unthrottled so the SDK's retries never come into play.
const hub = useLocalIotHub({ sku: 'S1', quotaOverrides: { twinReads: 2, identityRegistry: 1000, directMethods: Infinity } });
let sdk: SdkClients;
beforeAll(() => {
  sdk = sdkClients(hub());
});
afterAll(() => sdk?.close());

describe('direct methods', () => {
  it('reaches a device connected over MQTT and returns its answer', async () => {
    const { responseBody: device } = await sdk.registry.create({ deviceId: 'mqtt-dev' });
    const key = device.authentication!.symmetricKey!.primaryKey!;
    const client = DeviceClient.fromConnectionString(`HostName=localhost;DeviceId=mqtt-dev;SharedAccessKey=${key};GatewayHostName=127.0.0.1:${hub().mqttsPort}`, Mqtt);
    try {
      await client.setOptions({ ca: fs.readFileSync(hub().caCertFile, 'utf8') });
      await client.open();
      client.onDeviceMethod('ping', (request, response) => {
        response.send(200, { pong: request.payload }, () => undefined);
      });
      // The subscription to method topics is made asynchronously after onDeviceMethod.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { result } = await sdk.client.invokeDeviceMethod('mqtt-dev', { methodName: 'ping', payload: { n: 1 }, responseTimeoutInSeconds: 10 });
      expect(result).toEqual({ status: 200, payload: { pong: { n: 1 } } });
      const { responseBody: listed } = await sdk.registry.get('mqtt-dev');
      expect(listed.connectionState).toBe('Connected');
    } finally {
      await client.close().catch(() => undefined);
    }
  });

  it('answers 404 DeviceNotOnline for a device that is not connected, DeviceNotFound for an unknown one', async () => {
    await sdk.registry.create({ deviceId: 'offline-dev' });
    await expect(sdk.client.invokeDeviceMethod('offline-dev', { methodName: 'ping', responseTimeoutInSeconds: 5 })).rejects.toMatchObject({
      response: { statusCode: 404, headers: { 'iothub-errorcode': 'DeviceNotOnline' } },
    });
    await expect(sdk.client.invokeDeviceMethod('no-such-dev', { methodName: 'ping', responseTimeoutInSeconds: 5 })).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
  });

  it('answers 504 GatewayTimeout when the device does not answer in responseTimeoutInSeconds', async () => {
    await sdk.registry.create({ deviceId: 'silent-dev' });
    const stop = hub().state.setMethodHandler('silent-dev', () => new Promise(() => undefined));
    try {
      const started = Date.now();
      await expect(sdk.client.invokeDeviceMethod('silent-dev', { methodName: 'ping', responseTimeoutInSeconds: 5 })).rejects.toMatchObject({
        name: 'GatewayTimeoutError',
        response: { statusCode: 504 },
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    } finally {
      stop();
    }
  }, 20_000);
});

describe('throttling', () => {
  it('answers 429 ThrottlingException over a quota and counts it', async () => {
    await sdk.registry.create({ deviceId: 'throttled' });
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => sdk.registry.getTwin('throttled')));
    const refused = attempts.filter((a) => a.status === 'rejected') as PromiseRejectedResult[];
    // A bucket of 2 tokens refilling at 2/s: two pass, the rest are refused at once.
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]!.reason).toMatchObject({ name: 'ThrottlingError', response: { statusCode: 429, headers: { 'iothub-errorcode': 'ThrottlingException', 'retry-after': expect.any(String) } } });

    const stats = hub().stats();
    expect(stats.quotas.twinReads).toMatchObject({ ratePerSecond: 2, requests: 5, throttled: refused.length });
    const viaRest = await rawRequest(hub(), 'GET', '/admin/stats');
    expect(JSON.parse(viaRest.body)).toMatchObject({ sku: 'S1', units: 1, quotas: { twinReads: { throttled: refused.length } } });
  });

  it('counts queries against the S1 rate of 20 per minute, with a burst of two', async () => {
    expect(hub().stats().quotas.queries.ratePerSecond).toBeCloseTo(20 / 60);
    await sdk.registry.createQuery('SELECT * FROM devices').next(undefined as unknown as string);
    await sdk.registry.createQuery('SELECT * FROM devices').next(undefined as unknown as string);
    await expect(sdk.registry.createQuery('SELECT * FROM devices').next(undefined as unknown as string)).rejects.toMatchObject({ name: 'ThrottlingError' });
  });
});
