/**
 * One Event Hubs trigger invocation as the Azure Functions host (Event Hubs extension v5) and the Node worker hand
 * it to the app, as RPC typed data; the app's @azure/functions library turns it into the handler's arguments.
 *
 * Sources: the extension's EventHubTriggerBindingStrategy (Azure/azure-sdk-for-net, sdk/eventhub/
 * Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Triggers) for the binding data keys; the host's
 * GrpcMessageConversionExtensions.ToRpc (Azure/azure-functions-host) for how each value is typed — string[] →
 * collectionString without empty entries (the Node worker does not ask for IncludeEmptyEntriesInMessagePayload),
 * long[] → collectionSint64, other objects → JSON; the library's fromRpcTypedData / fromRpcTriggerMetadata for
 * what the handler then sees: strings are JSON-parsed when they parse (bodies and offsets alike), and metadata keys
 * have only their first letter lower-cased, nested keys included.
 *
 * Bodies are strings (UTF-8) unless the binding says `dataType: 'binary'`: the worker parses a body that is valid
 * JSON whatever its content type, and hands any other body over as the string.
 */
import { randomUUID } from 'node:crypto';
import type { RpcTypedData } from '../invoker';
import type { EventHubListener } from './event-hub-listeners';
import type { PartitionEvent, PropertyValue } from './event-hub-events';

export interface EventHubInvocation {
  trigger: RpcTypedData;
  triggerMetadata: Record<string, RpcTypedData>;
}

const json = (value: unknown): RpcTypedData => ({ json: JSON.stringify(value) });
const strings = (values: (string | null | undefined)[]): RpcTypedData => ({ collectionString: { string: values.filter((v): v is string => !!v) } });

/** What Event Hubs itself adds to every received event's system properties (AMQP message annotations). */
function systemPropertiesOf(event: PartitionEvent): Record<string, PropertyValue> {
  const system: Record<string, PropertyValue> = {
    'x-opt-sequence-number': event.sequenceNumber,
    'x-opt-offset': event.offset,
    'x-opt-enqueued-time': event.enqueuedTimeUtc,
    ...(event.partitionKey ? { 'x-opt-partition-key': event.partitionKey } : {}),
    ...event.systemProperties,
  };
  // The extension adds these four so the binding data keeps its older shape.
  return { ...system, SequenceNumber: event.sequenceNumber, Offset: Number(event.offset), PartitionKey: event.partitionKey ?? null, EnqueuedTimeUtc: event.enqueuedTimeUtc };
}

function bodyOf(event: PartitionEvent): Buffer {
  return Buffer.from(event.body, 'base64');
}

export function eventHubInvocation(listener: EventHubListener, partitionId: string, events: readonly PartitionEvent[], nowIso: string): EventHubInvocation {
  const partitionContext = json({
    FullyQualifiedNamespace: listener.fullyQualifiedNamespace,
    EventHubName: listener.eventHubName,
    ConsumerGroup: listener.consumerGroup,
    PartitionId: partitionId,
  });
  const sys = json({ MethodName: listener.fn.metadata.name, UtcNow: nowIso, RandGuid: randomUUID() });
  const binary = listener.dataType === 'binary';

  if (listener.cardinality === 'one') {
    const [event] = events;
    if (!event || events.length !== 1) throw new Error('cardinality one takes exactly one event per invocation');
    return {
      trigger: binary ? { bytes: bodyOf(event) } : { string: bodyOf(event).toString('utf8') },
      triggerMetadata: {
        PartitionContext: partitionContext,
        ...(event.partitionKey ? { PartitionKey: { string: event.partitionKey } } : { PartitionKey: {} }),
        Offset: json(Number(event.offset)),
        SequenceNumber: json(event.sequenceNumber),
        EnqueuedTimeUtc: json(event.enqueuedTimeUtc),
        Properties: json(event.properties),
        SystemProperties: json(systemPropertiesOf(event)),
        sys,
      },
    };
  }
  return {
    trigger: binary ? { collectionBytes: { bytes: events.map(bodyOf) } } : strings(events.map((event) => bodyOf(event).toString('utf8'))),
    triggerMetadata: {
      PartitionContext: partitionContext,
      PartitionKeyArray: strings(events.map((event) => event.partitionKey)),
      OffsetArray: strings(events.map((event) => event.offset)),
      SequenceNumberArray: { collectionSint64: { sint64: events.map((event) => event.sequenceNumber) } },
      EnqueuedTimeUtcArray: json(events.map((event) => event.enqueuedTimeUtc)),
      PropertiesArray: json(events.map((event) => event.properties)),
      SystemPropertiesArray: json(events.map(systemPropertiesOf)),
      sys,
    },
  };
}
