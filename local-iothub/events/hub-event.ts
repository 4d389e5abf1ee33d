/**
 * A device-to-cloud message as the built-in Event Hubs-compatible endpoint holds it: the body, the application
 * properties the device set, and IoT Hub's system properties (connection, auth, enqueued time, source, and the
 * message-id / correlation-id / content-type / content-encoding the device sent as `$.mid`, `$.cid`, `$.ct`,
 * `$.ce`). The shape is the devhost's Event Hubs delivery API (devhost/triggers/event-hub-events.ts).
 */
import type { DeviceIdentity, TelemetryMessage } from '../hub-state';

export interface HubEvent {
  /** base64 */
  body: string;
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
  enqueuedTimeUtc: string;
  sequenceNumber: number;
  offset: string;
  partitionKey: null;
}

/** What IoT Hub writes for a device that authenticated with a SAS token (the only way the local hub offers). */
const sasAuthMethod = JSON.stringify({ scope: 'device', type: 'sas', issuer: 'iothub', acceptingIpFilterRule: null });

/** MQTT property-bag keys IoT Hub turns into AMQP message properties. */
const messageProperties: Record<string, string> = { '$.mid': 'message-id', '$.cid': 'correlation-id', '$.ct': 'content-type', '$.ce': 'content-encoding' };

export function hubEventOf(message: TelemetryMessage, identity: DeviceIdentity | undefined, position: { sequenceNumber: number; offset: number }): HubEvent {
  const enqueuedTimeUtc = new Date(message.enqueuedMs).toISOString();
  const systemProperties: Record<string, string> = {
    'iothub-connection-device-id': message.deviceId,
    'iothub-connection-auth-method': sasAuthMethod,
    'iothub-connection-auth-generation-id': identity?.generationId ?? '',
    'iothub-enqueuedtime': enqueuedTimeUtc,
    'iothub-message-source': 'Telemetry',
  };
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.properties)) {
    const system = messageProperties[key];
    if (system) systemProperties[system] = value;
    // Other `$.` keys (`$.to`, `$.exp`, …) are the hub's own and never reach the back end as properties.
    else if (!key.startsWith('$.')) properties[key] = value;
  }
  return {
    body: message.body.toString('base64'),
    properties,
    systemProperties,
    enqueuedTimeUtc,
    sequenceNumber: position.sequenceNumber,
    offset: String(position.offset),
    partitionKey: null,
  };
}

/** Roughly what an event takes in the partition: how far the offset moves past it. */
export function storedSize(message: TelemetryMessage): number {
  let size = message.body.length + 128;
  for (const [key, value] of Object.entries(message.properties)) size += key.length + value.length;
  return size;
}
