/** The unchanged official device SDK (azure-iot-device 1.18 over azure-iot-device-mqtt) against the local hub. */
import { Message, type Client, type Twin } from 'azure-iot-device';
import { HubError, type Json, type TelemetryMessage } from '../../../local-iothub/hub-state';
import { closeSdkClient, openSdkClient, useMqttHub, waitFor, type TestHub } from '../../support/iothub-device';

const getHub = useMqttHub();
const clients: Client[] = [];
let hub: TestHub;
let counter = 0;

beforeEach(() => {
  hub = getHub();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map(closeSdkClient));
});

/** A fresh device per test, so a test never sees another's connection. */
function newDevice(): { deviceId: string; key: string } {
  const deviceId = `sdk-device-${++counter}`;
  return { deviceId, key: hub.createDevice(deviceId) };
}

async function open(deviceId: string, key: string, onTransportDisconnect?: (error?: Error) => void): Promise<Client> {
  const client = await openSdkClient(hub, deviceId, key, onTransportDisconnect);
  clients.push(client);
  return client;
}

/** The SDK subscribes in the background after `onDeviceMethod`: retry while the hub still sees no method listener. */
async function invokeOnceSubscribed(deviceId: string, method: string, payload: Json, timeoutMs: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await hub.state.invokeMethod(deviceId, method, payload, timeoutMs);
    } catch (error) {
      if (!(error instanceof HubError && error.code === 'DeviceNotOnline') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function enableDesiredUpdates(twin: Twin): Promise<void> {
  // Joins the subscription `twin.on('properties.desired')` starts in the background, so a patch made now arrives.
  return new Promise((resolve, reject) => twin.enableTwinDesiredPropertiesUpdates((error) => (error ? reject(error) : resolve())));
}

describe('connection', () => {
  it('connects with the device key, shows the device connected, and offline after close', async () => {
    const { deviceId, key } = newDevice();
    const client = await open(deviceId, key);
    expect(hub.state.connected.has(deviceId)).toBe(true);
    expect(hub.server.connections()).toBeGreaterThanOrEqual(1);

    await client.close();
    await waitFor(() => !hub.state.connected.has(deviceId), 'the device to go offline');
  });

  it('refuses a wrong key, an unknown device, a disabled device and an expired token', async () => {
    const { deviceId, key } = newDevice();
    const otherKey = hub.createDevice(`${deviceId}-other`);
    await expect(openSdkClient(hub, deviceId, otherKey)).rejects.toThrow(/Not authorized/);
    await expect(openSdkClient(hub, 'never-registered', key)).rejects.toThrow(/Not authorized/);

    const disabled = newDevice();
    hub.state.updateIdentity(disabled.deviceId, { status: 'disabled' });
    await expect(openSdkClient(hub, disabled.deviceId, disabled.key)).rejects.toThrow(/Not authorized/);

    // The SDK signs tokens for an hour from the host clock: two hours later on the hub clock they have expired.
    hub.clockOffsetMs = 2 * 3600_000;
    await expect(openSdkClient(hub, deviceId, key)).rejects.toThrow(/Not authorized/);
    expect(hub.state.connected.has(deviceId)).toBe(false);
    expect(hub.logs.some((line) => line.includes('token expired'))).toBe(true);
  });

  it('disconnects a device when its token expires on the hub clock', async () => {
    const { deviceId, key } = newDevice();
    const dropped = new Promise<void>((resolve) => {
      void open(deviceId, key, () => resolve());
    });
    await waitFor(() => hub.state.connected.has(deviceId), 'the device to connect');
    hub.clockOffsetMs = 2 * 3600_000;
    await dropped;
    await waitFor(() => !hub.state.connected.has(deviceId), 'the device to go offline');
  });

  it('lets a second connection with the same device id take over: the first is dropped', async () => {
    const { deviceId, key } = newDevice();
    let firstDropped = false;
    await open(deviceId, key, () => {
      firstDropped = true;
    });
    const before = hub.server.connections();
    const second = await open(deviceId, key);

    await waitFor(() => firstDropped, 'the first connection to be dropped');
    expect(hub.server.connections()).toBe(before);
    expect(hub.state.connected.has(deviceId)).toBe(true);
    expect(hub.logs).toContain(`mqtt ${deviceId}: closed (a new connection with the same device id took over)`);
    // The newer connection is the one that works.
    hub.state.patchReported(deviceId, { seen: 'by-second' });
    const twin = await second.getTwin();
    expect(twin.properties.reported.seen).toBe('by-second');
  });
});

describe('twin', () => {
  it('getTwin shows desired and reported properties with their versions', async () => {
    const { deviceId, key } = newDevice();
    hub.state.patchTwin(deviceId, { desired: { ota: { command: { id: 'c-1', kind: 'install' } } } });
    hub.state.patchReported(deviceId, { ota: { state: 'idle' } });
    const client = await open(deviceId, key);

    const twin = await client.getTwin();
    expect(twin.properties.desired.ota).toEqual({ command: { id: 'c-1', kind: 'install' } });
    expect(twin.properties.desired.$version).toBe(2);
    expect(twin.properties.reported.ota).toEqual({ state: 'idle' });
    expect(twin.properties.reported.$version).toBe(2);
  });

  it('stores a reported patch sent with twin.properties.reported.update', async () => {
    const { deviceId, key } = newDevice();
    const client = await open(deviceId, key);
    const twin = await client.getTwin();

    await new Promise<void>((resolve, reject) =>
      twin.properties.reported.update({ ota: { state: 'installing', commandId: 'c-1' } }, (error?: Error) => (error ? reject(error) : resolve())),
    );
    expect(hub.state.requireTwin(deviceId).reported).toEqual({ ota: { state: 'installing', commandId: 'c-1' } });
    expect(hub.state.requireTwin(deviceId).reportedVersion).toBe(2);
  });

  it('fails a reported patch the hub refuses (a key with a dot)', async () => {
    const { deviceId, key } = newDevice();
    const twin = await (await open(deviceId, key)).getTwin();
    const update = new Promise<void>((resolve, reject) => twin.properties.reported.update({ 'bad.key': 1 }, (error?: Error) => (error ? reject(error) : resolve())));
    await expect(update).rejects.toThrow(/Invalid property name/);
    expect(hub.state.requireTwin(deviceId).reported).toEqual({});
  });

  it('delivers a desired patch to twin.on("properties.desired")', async () => {
    const { deviceId, key } = newDevice();
    const twin = await (await open(deviceId, key)).getTwin();
    const seen: Record<string, unknown>[] = [];
    twin.on('properties.desired', (delta: Record<string, unknown>) => seen.push(delta));
    await enableDesiredUpdates(twin);

    hub.state.patchTwin(deviceId, { desired: { ota: { command: { id: 'c-2' } } } });
    const pushed = await waitFor(() => seen.find((delta) => delta.$version === 2), 'the desired patch');
    expect(pushed).toEqual({ ota: { command: { id: 'c-2' } }, $version: 2 });
    expect(twin.properties.desired.ota).toEqual({ command: { id: 'c-2' } });
  });
});

describe('direct methods', () => {
  it('answers state.invokeMethod from client.onDeviceMethod', async () => {
    const { deviceId, key } = newDevice();
    const client = await open(deviceId, key);
    client.onDeviceMethod('reboot', (request, response) => {
      void response.send(200, { rebooting: true, delay: (request.payload as { delay: number }).delay });
    });

    await expect(invokeOnceSubscribed(deviceId, 'reboot', { delay: 5 }, 5000)).resolves.toEqual({ status: 200, payload: { rebooting: true, delay: 5 } });
  });

  it('fails with 504 GatewayTimeout when the device never answers', async () => {
    const { deviceId, key } = newDevice();
    const client = await open(deviceId, key);
    client.onDeviceMethod('reboot', () => undefined);

    const call = invokeOnceSubscribed(deviceId, 'reboot', null, 300);
    await expect(call).rejects.toMatchObject({ status: 504, code: 'GatewayTimeout' });
  });

  it('fails with 404 DeviceNotOnline when the device disconnects before answering', async () => {
    const { deviceId, key } = newDevice();
    const client = await open(deviceId, key);
    let called!: () => void;
    const reached = new Promise<void>((resolve) => (called = resolve));
    client.onDeviceMethod('ping', (_request, response) => void response.send(200));
    client.onDeviceMethod('reboot', () => called());
    await invokeOnceSubscribed(deviceId, 'ping', null, 5000);

    // Called directly: the retrying helper would take the expected DeviceNotOnline for a missing subscription.
    const call = hub.state.invokeMethod(deviceId, 'reboot', null, 30_000);
    const outcome = expect(call).rejects.toMatchObject({ status: 404, code: 'DeviceNotOnline' });
    await reached;
    await client.close();
    await outcome;
  });
});

describe('telemetry', () => {
  it('delivers client.sendEvent with its application and system properties', async () => {
    const { deviceId, key } = newDevice();
    const received: TelemetryMessage[] = [];
    const stop = hub.state.onTelemetry((message) => received.push(message));
    try {
      const client = await open(deviceId, key);
      const message = new Message(JSON.stringify({ temperature: 21.5 }));
      message.properties.add('kind', 'health');
      message.properties.add('note', 'a b&c=d');
      message.messageId = 'm-1';
      message.contentType = 'application/json';
      message.contentEncoding = 'utf-8';
      await client.sendEvent(message);

      const got = await waitFor(() => received.find((m) => m.deviceId === deviceId), 'the telemetry message');
      expect(JSON.parse(got.body.toString('utf8'))).toEqual({ temperature: 21.5 });
      expect(got.properties).toEqual({ kind: 'health', note: 'a b&c=d', '$.mid': 'm-1', '$.ct': 'application/json', '$.ce': 'utf-8' });
    } finally {
      stop();
    }
  });
});
