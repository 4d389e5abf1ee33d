/**
 * Device health telemetry: IoT Hub's built-in Event Hubs-compatible endpoint feeds this trigger (many messages per
 * call); each device's latest health message lands in Cosmos DB, where wave assessments read it. Locally the
 * devhost delivers the local IoT Hub's device-to-cloud messages to the same trigger.
 */
import { app, type InvocationContext } from '@azure/functions';
import type { HealthTelemetryStore } from '../domain/telemetry/health-sample';
import { parseHealthBatch } from './telemetry/health-messages';

/** Binding settings: the connection (IOTHUB_EVENTS or IOTHUB_EVENTS__fullyQualifiedNamespace), event hub name, consumer group. */
export const telemetryBinding = {
  connection: 'IOTHUB_EVENTS',
  eventHubName: '%IOTHUB_EVENTS_NAME%',
  consumerGroup: '%IOTHUB_EVENTS_CONSUMER_GROUP%',
} as const;

/** Store writes retried within the call: the trigger moves its checkpoint on even when a call fails. */
const storeAttempts = 4;

export function createTelemetryHandler(store: HealthTelemetryStore, pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {
  return async (messages: unknown, context: InvocationContext): Promise<void> => {
    const batch = parseHealthBatch(Array.isArray(messages) ? messages : [messages], context.triggerMetadata);
    for (let attempt = 1; ; attempt++) {
      try {
        if (batch.rejected.length > 0) await store.reject(batch.rejected);
        await store.record(batch.samples, batch.progress);
        break;
      } catch (err) {
        if (attempt >= storeAttempts) throw err;
        context.warn(`storing health telemetry failed (attempt ${attempt} of ${storeAttempts}): ${(err as Error).message}`);
        await pause(250 * 2 ** attempt);
      }
    }
    if (batch.rejected.length > 0) {
      context.warn(`rejected ${batch.rejected.length} telemetry message(s), e.g. from ${batch.rejected[0]!.deviceId ?? 'an unknown device'}: ${batch.rejected[0]!.reason}`);
    }
  };
}

export function registerTelemetry(store: HealthTelemetryStore): void {
  app.eventHub('deviceTelemetry', { ...telemetryBinding, cardinality: 'many', handler: createTelemetryHandler(store) });
}
