/**
 * Device-to-cloud messages through the local hub's built-in events endpoint: a device using the official SDK
 * (azure-iot-device over MQTT) sends, the hub routes to a partition and posts to a local HTTP receiver standing in
 * for the devhost's Event Hubs delivery API, with IoT Hub's system properties; a receiver that is down for a while
 * gets everything afterwards, in order.
 */
import fs from 'node:fs';
import { Client, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { startLocalIotHub, type LocalIotHub } from '../../../local-iothub';
import { partitionOf } from '../../../local-iothub/events/partitioning';
import { startEventReceiver, type EventReceiver } from '../../support/event-receiver';
import { deviceConnectionString, waitFor } from '../../support/iothub-device';

let hub: LocalIotHub;
let receiver: EventReceiver | undefined;
let client: Client | undefined;

beforeAll(async () => {
  receiver = await startEventReceiver();
  hub = await startLocalIotHub({ eventsEndpoint: receiver.url, quotaOverrides: { deviceToCloud: Infinity } });
});
afterAll(async () => {
  await client?.close().catch(() => undefined);
  await hub?.stop();
  await receiver?.stop();
});

async function openDevice(deviceId: string): Promise<Client> {
  const key = hub.state.createIdentity({ deviceId }).primaryKey;
  const opened = Client.fromConnectionString(deviceConnectionString(hub.mqttsPort, deviceId, key), Mqtt);
  await opened.setOptions({ ca: fs.readFileSync(hub.caCertFile, 'utf8') });
  await opened.open();
  return opened;
}

function message(body: unknown, properties: Record<string, string> = {}): Message {
  const m = new Message(JSON.stringify(body));
  m.contentType = 'application/json';
  m.contentEncoding = 'utf-8';
  for (const [key, value] of Object.entries(properties)) m.properties.add(key, value);
  return m;
}

const eventsOf = (r: EventReceiver, deviceId: string) =>
  r.batches.flatMap((b) => b.events.map((e) => ({ ...e, partitionId: b.partitionId }))).filter((e) => e.systemProperties['iothub-connection-device-id'] === deviceId);

describe('built-in events endpoint', () => {
  it('iothub.json names the event hub-compatible endpoint', () => {
    const info = JSON.parse(fs.readFileSync(hub.connectionInfoFile, 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ eventHubCompatibleName: 'iothub', eventHubPartitions: 4 });
    expect(info.eventHubCompatibleConnectionString).toMatch(new RegExp(`^Endpoint=sb://localhost:${hub.httpsPort}/;SharedAccessKeyName=iothubowner;SharedAccessKey=[^;]+;EntityPath=iothub$`));
  });

  it('delivers an SDK device’s message with its body, application properties and IoT Hub’s system properties', async () => {
    client = await openDevice('sdk-dev-1');
    const m = message({ type: 'health', healthy: true }, { type: 'health' });
    m.messageId = 'msg-1';
    m.correlationId = 'corr-1';
    await client.sendEvent(m);

    const [event] = await waitFor(() => { const found = eventsOf(receiver!, 'sdk-dev-1'); return found.length ? found : undefined; }, 'the message at the receiver');
    const identity = hub.state.requireIdentity('sdk-dev-1');
    expect(event!.partitionId).toBe(String(partitionOf('sdk-dev-1', 4)));
    expect(JSON.parse(Buffer.from(event!.body, 'base64').toString('utf8'))).toEqual({ type: 'health', healthy: true });
    expect(event!.properties).toEqual({ type: 'health' });
    expect(event!.systemProperties).toEqual({
      'iothub-connection-device-id': 'sdk-dev-1',
      'iothub-connection-auth-method': '{"scope":"device","type":"sas","issuer":"iothub","acceptingIpFilterRule":null}',
      'iothub-connection-auth-generation-id': identity.generationId,
      'iothub-enqueuedtime': event!.enqueuedTimeUtc,
      'iothub-message-source': 'Telemetry',
      'message-id': 'msg-1',
      'correlation-id': 'corr-1',
      'content-type': 'application/json',
      'content-encoding': 'utf-8',
    });
    expect(Date.parse(event!.enqueuedTimeUtc)).toBeGreaterThan(Date.now() - 60_000);
    expect(hub.stats().events.partitions[partitionOf('sdk-dev-1', 4)]).toMatchObject({ delivered: expect.any(Number), lastError: null });
  });

  it('keeps messages while the receiver is down and delivers them, in order, once it is back', async () => {
    const port = receiver!.port;
    await receiver!.stop();
    receiver = undefined;
    const device = await openDevice('sdk-dev-2');
    try {
      for (let i = 0; i < 5; i++) await device.sendEvent(message({ n: i }));
      const partition = () => hub.stats().events.partitions[partitionOf('sdk-dev-2', 4)]!;
      await waitFor(() => partition().lastError !== null && partition().pending === 5, 'failed deliveries');

      receiver = await startEventReceiver(port);
      await waitFor(() => partition().pending === 0, 'the backlog delivered', 15_000);
      const events = eventsOf(receiver, 'sdk-dev-2');
      expect(events.map((e) => JSON.parse(Buffer.from(e.body, 'base64').toString('utf8')))).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
      const sequence = events.map((e) => e.sequenceNumber);
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
      expect(partition()).toMatchObject({ lastError: null, dropped: 0 });
    } finally {
      await device.close().catch(() => undefined);
    }
  });
});
