/**
 * Devices against the local IoT Hub in tests: a hub (state + MQTT endpoint) per test file, the official device SDK
 * (`azure-iot-device` over MQTT, unchanged) pointed at it through GatewayHostName, and plain MQTT clients.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, SharedAccessKeyAuthenticationProvider } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { HubState } from '../../local-iothub/hub-state';
import { createSas } from '../../local-iothub/sas';
import { ensureHubTls } from '../../local-iothub/tls';
import { startMqttServer, type AdmitOperation, type MqttServer } from '../../local-iothub/mqtt';

export const HUB_HOST_NAME = 'localhost';

export interface TestHub {
  state: HubState;
  server: MqttServer;
  port: number;
  /** The CA devices must trust. */
  ca: string;
  /** The server certificate and key (to start another endpoint in a test). */
  tls: { cert: string; key: string };
  /** Lines the MQTT server logged. */
  logs: string[];
  /** Replace to throttle; reset to admit everything before each test. */
  admit: (op: AdmitOperation) => boolean;
  /** Added to the host clock to make the hub clock (token expiry); reset to 0 before each test. */
  clockOffsetMs: number;
  /** Registers a device and returns its primary key. */
  createDevice(deviceId: string): string;
}

/** A hub with its MQTT endpoint on an ephemeral port for one test file; stopped after it even when a test fails. */
export function useMqttHub(): () => TestHub {
  let hub: TestHub | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-iothub-mqtt-'));
    const tls = await ensureHubTls(dir);
    const state = new HubState(() => Date.now() + (hub?.clockOffsetMs ?? 0));
    const logs: string[] = [];
    const partial: Omit<TestHub, 'server' | 'port'> = {
      state,
      ca: tls.ca,
      tls: { cert: tls.cert, key: tls.key },
      logs,
      admit: () => true,
      clockOffsetMs: 0,
      createDevice: (deviceId) => state.createIdentity({ deviceId }).primaryKey,
    };
    const server = await startMqttServer({ state, tls, hostName: HUB_HOST_NAME, admit: (op) => hub!.admit(op), log: (line) => logs.push(line) });
    hub = { ...partial, server, port: server.port };
  });
  beforeEach(() => {
    if (!hub) return;
    hub.admit = () => true;
    hub.clockOffsetMs = 0;
  });
  afterAll(async () => {
    await hub?.server.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!hub) throw new Error('the local hub did not start');
    return hub;
  };
}

/** What a device is given to reach the local hub: the SDK connects to GatewayHostName, signs for HostName. */
export function deviceConnectionString(port: number, deviceId: string, key: string): string {
  return `HostName=${HUB_HOST_NAME};DeviceId=${deviceId};SharedAccessKey=${key};GatewayHostName=127.0.0.1:${port}`;
}

/**
 * An opened SDK client, built as `Client.fromConnectionString(cs, Mqtt)` builds it, but keeping the transport so a test
 * can see it drop (the client itself stays silent about a retryable drop when no twin or method listener is set).
 * `setOptions({ ca })` must come before `open()` and is a single call (it replaces earlier options).
 */
export async function openSdkClient(hub: TestHub, deviceId: string, key: string, onTransportDisconnect?: (error?: Error) => void): Promise<Client> {
  const transport = new Mqtt(SharedAccessKeyAuthenticationProvider.fromConnectionString(deviceConnectionString(hub.port, deviceId, key)));
  if (onTransportDisconnect) transport.on('disconnect', onTransportDisconnect);
  const client = new Client(transport);
  await client.setOptions({ ca: hub.ca });
  try {
    await client.open();
  } catch (error) {
    await closeSdkClient(client);
    throw error;
  }
  return client;
}

export async function closeSdkClient(client: Client | undefined): Promise<void> {
  await client?.close().catch(() => undefined);
  client?.removeAllListeners();
}

/** A plain MQTT 3.1.1 client, configured as the device twin contract describes. */
export function connectPlainDevice(
  hub: TestHub,
  deviceId: string,
  key: string,
  options: { expirySeconds?: number; userName?: string; clientId?: string; keepalive?: number; will?: IClientOptions['will'] } = {},
): Promise<MqttClient> {
  const expiry = options.expirySeconds ?? Math.floor(Date.now() / 1000) + 3600;
  return mqtt.connectAsync(`mqtts://127.0.0.1:${hub.port}`, {
    ca: hub.ca,
    protocolVersion: 4,
    clean: false,
    clientId: options.clientId ?? deviceId,
    username: options.userName ?? `${HUB_HOST_NAME}/${deviceId}/?api-version=2021-04-12`,
    password: createSas(`${HUB_HOST_NAME}/devices/${deviceId}`, key, expiry),
    keepalive: options.keepalive ?? 60,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...(options.will ? { will: options.will } : {}),
  });
}

export async function endPlainDevice(client: MqttClient | undefined): Promise<void> {
  await client?.endAsync(true).catch(() => undefined);
}

/** Polls until `probe` returns a value other than undefined/false. */
export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
