/**
 * Any MQTT 3.1.1 client can be a device: the `mqtt` package over TLS, configured as docs/device-twin-contract.md says,
 * and raw TLS sockets for what a well-behaved client never sends.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { MqttClient } from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import { HubState, type TelemetryMessage } from '../../../local-iothub/hub-state';
import { startMqttServer } from '../../../local-iothub/mqtt';
import { createSas } from '../../../local-iothub/sas';
import { HUB_HOST_NAME, connectPlainDevice, endPlainDevice, useMqttHub, waitFor, type TestHub } from '../../support/iothub-device';

const getHub = useMqttHub();
const clients: MqttClient[] = [];
const sockets: net.Socket[] = [];
let hub: TestHub;
let counter = 0;

beforeEach(() => {
  hub = getHub();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map(endPlainDevice));
  for (const socket of sockets.splice(0)) socket.destroy();
});

function newDevice(): { deviceId: string; key: string } {
  const deviceId = `plain-device-${++counter}`;
  return { deviceId, key: hub.createDevice(deviceId) };
}

async function connect(deviceId: string, key: string, options?: Parameters<typeof connectPlainDevice>[3]): Promise<MqttClient> {
  const client = await connectPlainDevice(hub, deviceId, key, options);
  clients.push(client);
  return client;
}

/** The next message on a topic starting with `prefix`. */
function nextMessage(client: MqttClient, prefix: string): Promise<{ topic: string; body: string }> {
  return new Promise((resolve) => {
    const onMessage = (topic: string, payload: Buffer) => {
      if (!topic.startsWith(prefix)) return;
      client.off('message', onMessage);
      resolve({ topic, body: payload.toString('utf8') });
    };
    client.on('message', onMessage);
  });
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

/** A TLS socket to the hub for sending bytes no MQTT library would produce. */
function rawTls(): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: hub.port, ca: hub.ca, servername: 'localhost' }, () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

function socketClosed(socket: net.Socket): Promise<number> {
  const started = Date.now();
  socket.resume(); // a paused socket with unread bytes (a CONNACK) never reports its end
  return new Promise((resolve) => (socket.destroyed ? resolve(0) : socket.once('close', () => resolve(Date.now() - started))));
}

function connectPacket(deviceId: string, key: string, keepalive: number): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: false,
    clientId: deviceId,
    keepalive,
    username: `${HUB_HOST_NAME}/${deviceId}/?api-version=2021-04-12`,
    password: Buffer.from(createSas(`${HUB_HOST_NAME}/devices/${deviceId}`, key, Math.floor(Date.now() / 1000) + 3600)),
  });
}

describe('the contract: a device in five MQTT messages', () => {
  it('connects, subscribes, gets the twin, reports installing and then the final state', async () => {
    const { deviceId, key } = newDevice();
    hub.state.patchTwin(deviceId, { desired: { ota: { command: { id: 'r-42:w1:b3:install', kind: 'install', update: { provider: 'contoso', name: 'line-controller', version: '2.0.0' } } } } });

    const device = await connect(deviceId, key); // 1. CONNECT
    expect(hub.state.connected.has(deviceId)).toBe(true);
    const granted = await device.subscribeAsync(['$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#'], { qos: 0 }); // 2.
    expect(granted.map((g) => g.qos)).toEqual([0, 0]);

    const got = nextMessage(device, '$iothub/twin/res/');
    await device.publishAsync('$iothub/twin/GET/?$rid=1', ''); // 3.
    const twinReply = await got;
    expect(twinReply.topic).toBe('$iothub/twin/res/200/?$rid=1');
    const twin = JSON.parse(twinReply.body);
    expect(twin.desired.ota.command.id).toBe('r-42:w1:b3:install');
    expect(twin.desired.$version).toBe(2);
    expect(twin.reported).toEqual({ $version: 1 });

    const report = (state: string) => ({ ota: { commandId: 'r-42:w1:b3:install', state, installedVersion: state === 'succeeded' ? '2.0.0' : '1.0.0', healthy: true, at: new Date().toISOString() } });
    let reply = nextMessage(device, '$iothub/twin/res/');
    await device.publishAsync('$iothub/twin/PATCH/properties/reported/?$rid=2', JSON.stringify(report('installing'))); // 4.
    expect((await reply).topic).toBe('$iothub/twin/res/204/?$rid=2&$version=2');
    expect(hub.state.requireTwin(deviceId).reported).toMatchObject({ ota: { state: 'installing' } });

    // A new command pushed while connected arrives on the desired topic with its version.
    const pushed = nextMessage(device, '$iothub/twin/PATCH/properties/desired/');
    hub.state.patchTwin(deviceId, { desired: { ota: { command: { id: 'r-42:w1:b3:install', kind: 'install' } } } });
    const push = await pushed;
    expect(push.topic).toBe('$iothub/twin/PATCH/properties/desired/?$version=3');
    expect(JSON.parse(push.body)).toEqual({ ota: { command: { id: 'r-42:w1:b3:install', kind: 'install' } }, $version: 3 });

    reply = nextMessage(device, '$iothub/twin/res/');
    await device.publishAsync('$iothub/twin/PATCH/properties/reported/?$rid=3', JSON.stringify(report('succeeded')), { qos: 1 }); // 5.
    expect((await reply).topic).toBe('$iothub/twin/res/204/?$rid=3&$version=3');
    expect(hub.state.requireTwin(deviceId).reported).toMatchObject({ ota: { state: 'succeeded', installedVersion: '2.0.0' } });
  });
});

describe('CONNECT', () => {
  const refusal = (promise: Promise<unknown>) => promise.then(() => 'connected', (error: { code?: number }) => error.code);

  it('refuses wrong keys, expired tokens, unknown or disabled devices and mismatched names', async () => {
    const { deviceId, key } = newDevice();
    const other = newDevice();
    expect(await refusal(connect(deviceId, other.key))).toBe(5);
    expect(await refusal(connect(deviceId, key, { expirySeconds: Math.floor(Date.now() / 1000) - 1 }))).toBe(5);
    expect(await refusal(connect('never-registered', key))).toBe(5);
    expect(await refusal(connect(deviceId, key, { clientId: other.deviceId }))).toBe(5);
    expect(await refusal(connect(deviceId, key, { userName: `other-hub.azure-devices.net/${deviceId}/?api-version=2021-04-12` }))).toBe(5);
    expect(await refusal(connect(deviceId, key, { userName: 'no-slashes' }))).toBe(4);
    hub.state.updateIdentity(other.deviceId, { status: 'disabled' });
    expect(await refusal(connect(other.deviceId, other.key))).toBe(5);
    expect(hub.state.connected.has(deviceId)).toBe(false);

    // The host part of the user name is not case-sensitive, the query is not interpreted; the secondary key works.
    const secondary = hub.state.requireIdentity(deviceId).secondaryKey;
    expect(await refusal(connect(deviceId, secondary, { userName: `LocalHost/${deviceId}/?api-version=2020-09-30&DeviceClientType=custom` }))).toBe('connected');
  });

  it('answers "server unavailable" (3) while new connections are throttled', async () => {
    const { deviceId, key } = newDevice();
    hub.admit = (op) => op !== 'deviceConnection';
    expect(await refusal(connect(deviceId, key))).toBe(3);
  });

  it('refuses MQTT versions other than 3.1.1', async () => {
    const { deviceId, key } = newDevice();
    const socket = await rawTls();
    const packet = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clientId: deviceId, username: `${HUB_HOST_NAME}/${deviceId}/`, password: Buffer.from(createSas(`${HUB_HOST_NAME}/devices/${deviceId}`, key, Math.floor(Date.now() / 1000) + 60)) });
    const reply = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(packet);
    expect([...(await reply)]).toEqual([0x20, 2, 0, 1]);
    await socketClosed(socket);
  });

  it('drops the older connection when the same device connects again', async () => {
    const { deviceId, key } = newDevice();
    const first = await connect(deviceId, key);
    const firstClosed = closed(first);
    const second = await connect(deviceId, key);
    await firstClosed;
    expect(second.connected).toBe(true);
    expect(hub.state.connected.has(deviceId)).toBe(true);
  });

  it('drops the connection of a device that is disabled or deleted', async () => {
    const a = newDevice();
    const b = newDevice();
    const [clientA, clientB] = await Promise.all([connect(a.deviceId, a.key), connect(b.deviceId, b.key)]);
    const [closedA, closedB] = [closed(clientA), closed(clientB)];
    hub.state.updateIdentity(a.deviceId, { status: 'disabled' });
    hub.state.deleteIdentity(b.deviceId);
    await Promise.all([closedA, closedB]);
    expect(hub.state.connected.has(a.deviceId)).toBe(false);
  });
});

describe('SUBSCRIBE', () => {
  it('grants the device topics at QoS 0 or 1 and refuses any other filter', async () => {
    const { deviceId, key } = newDevice();
    const device = await connect(deviceId, key);
    const granted = await device.subscribeAsync({
      '$iothub/methods/POST/#': { qos: 2 },
      [`devices/${deviceId}/messages/devicebound/#`]: { qos: 1 },
      '$iothub/twin/res/#': { qos: 0 },
    });
    expect(Object.fromEntries(granted.map((g) => [g.topic, g.qos]))).toEqual({
      '$iothub/methods/POST/#': 1,
      [`devices/${deviceId}/messages/devicebound/#`]: 1,
      '$iothub/twin/res/#': 0,
    });
    // mqtt.js fails the whole call on a refused filter; the SUBACK it received says which.
    const refused = await device.subscribeAsync({ '#': { qos: 0 }, 'devices/someone-else/messages/devicebound/#': { qos: 1 } }).catch((error: { packet?: { granted: unknown } }) => error.packet?.granted);
    expect(refused).toEqual([128, 128]);
    expect(device.connected).toBe(true);
  });
});

describe('twin requests', () => {
  it('answers 400 with an errorCode to bad JSON, a non-object or a patch that makes reported too large', async () => {
    const { deviceId, key } = newDevice();
    const device = await connect(deviceId, key);
    await device.subscribeAsync('$iothub/twin/res/#', { qos: 1 });
    const ask = async (rid: string, body: string) => {
      const reply = nextMessage(device, '$iothub/twin/res/');
      await device.publishAsync(`$iothub/twin/PATCH/properties/reported/?$rid=${rid}`, body);
      return reply;
    };
    for (const [rid, body] of [['a', '{not json'], ['b', '[1,2]'], ['c', JSON.stringify({ big: 'x'.repeat(4000), more: { a: 'y'.repeat(4000), b: 'y'.repeat(4000), c: 'y'.repeat(4000), d: 'y'.repeat(4000), e: 'y'.repeat(4000), f: 'y'.repeat(4000), g: 'y'.repeat(4000), h: 'y'.repeat(4000) } })]] as const) {
      const reply = await ask(rid, body);
      expect(reply.topic).toBe(`$iothub/twin/res/400/?$rid=${rid}`);
      expect(JSON.parse(reply.body)).toMatchObject({ errorCode: 400004 });
    }
    expect(hub.state.requireTwin(deviceId).reported).toEqual({});
    expect((await ask('d', '{"__proto__":{"polluted":true}}')).topic).toBe('$iothub/twin/res/400/?$rid=d');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('direct methods', () => {
  it('forwards a method call and resolves with the status and body the device publishes', async () => {
    const { deviceId, key } = newDevice();
    const device = await connect(deviceId, key);
    await device.subscribeAsync('$iothub/methods/POST/#', { qos: 0 });
    device.on('message', (topic, payload) => {
      const match = /^\$iothub\/methods\/POST\/([^/]+)\/\?\$rid=(.+)$/.exec(topic);
      if (match) void device.publishAsync(`$iothub/methods/res/202/?$rid=${match[2]}`, JSON.stringify({ method: match[1], got: JSON.parse(payload.toString()) }));
    });
    await expect(hub.state.invokeMethod(deviceId, 'reboot', { at: 'now' }, 5000)).resolves.toEqual({ status: 202, payload: { method: 'reboot', got: { at: 'now' } } });
  });

  it('answers 404 DeviceNotOnline to a device that is connected but not subscribed to methods', async () => {
    const { deviceId, key } = newDevice();
    await connect(deviceId, key);
    await expect(hub.state.invokeMethod(deviceId, 'reboot', null, 1000)).rejects.toMatchObject({ status: 404, code: 'DeviceNotOnline' });
  });
});

describe('telemetry', () => {
  it('decodes the property bag and acknowledges QoS 1', async () => {
    const { deviceId, key } = newDevice();
    const received: TelemetryMessage[] = [];
    const stop = hub.state.onTelemetry((message) => received.push(message));
    try {
      const device = await connect(deviceId, key);
      await device.publishAsync(`devices/${deviceId}/messages/events/kind=health&%24.ct=application%2Fjson&flag&emoji=%E2%9C%93/`, '{"ok":true}', { qos: 1 });
      await device.publishAsync(`devices/${deviceId}/messages/events/`, 'plain', { qos: 0 });
      await waitFor(() => received.length === 2, 'two telemetry messages');
      expect(received[0]).toMatchObject({ deviceId, properties: { kind: 'health', '$.ct': 'application/json', flag: '', emoji: '✓' } });
      expect(received[1]).toMatchObject({ deviceId, properties: {} });
      expect(received[1]!.body.toString()).toBe('plain');
    } finally {
      stop();
    }
  });

  it('drops the message and the connection while telemetry is throttled', async () => {
    const { deviceId, key } = newDevice();
    const received: TelemetryMessage[] = [];
    const stop = hub.state.onTelemetry((message) => received.push(message));
    try {
      const device = await connect(deviceId, key);
      hub.admit = (op) => op !== 'telemetry';
      const gone = closed(device);
      device.publish(`devices/${deviceId}/messages/events/`, 'too much', { qos: 1 });
      await gone;
      expect(received).toEqual([]);
    } finally {
      stop();
    }
  });

  it("closes the connection of a device that publishes to another device's topic or at QoS 2", async () => {
    const a = newDevice();
    const other = newDevice();
    const device = await connect(a.deviceId, a.key);
    let gone = closed(device);
    device.publish(`devices/${other.deviceId}/messages/events/`, 'spoof', { qos: 0 });
    await gone;

    const again = await connect(a.deviceId, a.key);
    gone = closed(again);
    again.publish(`devices/${a.deviceId}/messages/events/`, 'qos2', { qos: 2 });
    await gone;
    expect(hub.logs.some((line) => line.includes('QoS 2 PUBLISH'))).toBe(true);
  });
});

describe('will message', () => {
  it('forwards the will as telemetry when the connection is lost, not after DISCONNECT', async () => {
    const { deviceId, key } = newDevice();
    const received: TelemetryMessage[] = [];
    const stop = hub.state.onTelemetry((message) => received.push(message));
    try {
      const will = { topic: `devices/${deviceId}/messages/events/reason=lost`, payload: Buffer.from('gone'), qos: 1 as const, retain: false };
      const polite = await connectPlainDevice(hub, deviceId, key, { will });
      await polite.endAsync();
      const rude = await connect(deviceId, key, { will });
      rude.stream.destroy();
      await waitFor(() => received.length > 0, 'the will message');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ deviceId, properties: { reason: 'lost', 'iothub-MessageType': 'Will' } });
      expect(received[0]!.body.toString()).toBe('gone');
    } finally {
      stop();
    }
  });
});

describe('robustness', () => {
  it('closes only the connection that sends a malformed or oversized packet', async () => {
    const { deviceId, key } = newDevice();
    const healthy = await connect(deviceId, key);

    const garbage = await rawTls();
    garbage.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01])); // a remaining length of five bytes
    await socketClosed(garbage);

    const oversized = await rawTls();
    const other = newDevice();
    oversized.write(connectPacket(other.deviceId, other.key, 60));
    // A PUBLISH announcing 300 KB is refused from its header, before the body is buffered.
    oversized.write(Buffer.from([0x30, 0x80, 0xc9, 0x12]));
    await socketClosed(oversized);

    const badFlags = await rawTls();
    badFlags.write(Buffer.from([0x80, 0x00])); // SUBSCRIBE without its reserved flag bits
    await socketClosed(badFlags);

    expect(healthy.connected).toBe(true);
    await healthy.publishAsync(`devices/${deviceId}/messages/events/`, 'still here', { qos: 1 });
  });

  it('closes a connection silent for 1.5 × its keep-alive', async () => {
    const { deviceId, key } = newDevice();
    const socket = await rawTls();
    socket.write(connectPacket(deviceId, key, 1));
    await waitFor(() => hub.state.connected.has(deviceId), 'the raw device to connect');
    const elapsed = await socketClosed(socket);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(hub.state.connected.has(deviceId)).toBe(false);
  });

  it('logs a failed TLS handshake once and keeps serving', async () => {
    const attempt = () =>
      new Promise<void>((resolve) => {
        const socket = net.connect(hub.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\n\r\n'));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
    await attempt();
    await attempt();
    expect(hub.logs.filter((line) => line.includes('TLS handshake failed'))).toHaveLength(1);
    const { deviceId, key } = newDevice();
    await connect(deviceId, key);
  });

  it('stop() closes the listener and every connection, and the devices go offline', async () => {
    const state = new HubState();
    const deviceId = 'stopping-device';
    const key = state.createIdentity({ deviceId }).primaryKey;
    const server = await startMqttServer({ state, tls: hub.tls, hostName: HUB_HOST_NAME });
    try {
      const device = await connectPlainDevice({ ...hub, server, port: server.port, state }, deviceId, key);
      clients.push(device);
      expect(server.connections()).toBe(1);
      const gone = closed(device);
      await server.stop();
      await gone;
      expect(state.connected.has(deviceId)).toBe(false);
      expect(server.connections()).toBe(0);
      await expect(connectPlainDevice({ ...hub, server, port: server.port, state }, deviceId, key)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });
});
