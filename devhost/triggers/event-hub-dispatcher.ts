/**
 * Delivers a partition's events to every function listening on that event hub, as the Event Hubs trigger does:
 * each function (its own consumer group and checkpoint) reads the partition on its own, one batch at a time in
 * order (one reader per partition per consumer group), batches of at most `maxEventBatchSize` (or one event for
 * `cardinality: 'one'`). Without a retry policy a failed invocation is logged and the checkpoint moves on anyway.
 */
import type { RegisteredFunction } from '../functions-core';
import type { RpcTypedData } from '../invoker';
import type { PartitionEvent } from './event-hub-events';
import { eventHubInvocation } from './event-hub-invocation';
import type { EventHubListener } from './event-hub-listeners';

/**
 * The Event Hubs extension v5 default: `EventHubOptions.MaxEventBatchSize = 100` (Azure/azure-sdk-for-net,
 * sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Config/EventHubOptions.cs).
 */
export const defaultMaxEventBatchSize = 100;

export type EventHubInvoke = (fn: RegisteredFunction, trigger: RpcTypedData, triggerMetadata: Record<string, RpcTypedData>) => Promise<unknown>;

export interface FunctionDelivery {
  name: string;
  consumerGroup: string;
  batches: number;
  delivered: number;
  failed: number;
}

export interface EventDeliveryResult {
  /** Events handed to functions whose invocation succeeded, summed over the functions. */
  delivered: number;
  /** Events of invocations that threw (logged, and skipped: the checkpoint moved on). */
  failed: number;
  /** The listening functions; empty when nobody listens to this event hub (the sender may drop the events). */
  functions: FunctionDelivery[];
}

export interface DispatcherOptions {
  listeners: readonly EventHubListener[];
  maxEventBatchSize?: number;
  invoke: EventHubInvoke;
  nowIso: () => string;
  log: (level: string, message: string) => void;
}

export class EventHubDispatcher {
  /** The tail of each function's work on each partition: deliveries queue behind it. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly maxBatch: number;

  constructor(private readonly options: DispatcherOptions) {
    this.maxBatch = options.maxEventBatchSize ?? defaultMaxEventBatchSize;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error(`host.json extensions.eventHubs.maxEventBatchSize must be a whole number ≥ 1, not ${String(options.maxEventBatchSize)}`);
  }

  /** Resolves when every listening function has been invoked for all of `events` (or has failed on them). */
  async deliver(eventHubName: string, partitionId: string, events: readonly PartitionEvent[]): Promise<EventDeliveryResult> {
    const listeners = this.options.listeners.filter((l) => l.eventHubName.toLowerCase() === eventHubName.toLowerCase());
    const functions = await Promise.all(listeners.map((listener) => this.enqueue(listener, partitionId, events)));
    return {
      delivered: functions.reduce((sum, f) => sum + f.delivered, 0),
      failed: functions.reduce((sum, f) => sum + f.failed, 0),
      functions,
    };
  }

  private enqueue(listener: EventHubListener, partitionId: string, events: readonly PartitionEvent[]): Promise<FunctionDelivery> {
    const key = `${listener.fn.metadata.name}\n${partitionId}`;
    const run = (this.tails.get(key) ?? Promise.resolve()).then(() => this.run(listener, partitionId, events));
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  private async run(listener: EventHubListener, partitionId: string, events: readonly PartitionEvent[]): Promise<FunctionDelivery> {
    const name = listener.fn.metadata.name;
    const size = listener.cardinality === 'one' ? 1 : this.maxBatch;
    const outcome: FunctionDelivery = { name, consumerGroup: listener.consumerGroup, batches: 0, delivered: 0, failed: 0 };
    for (let start = 0; start < events.length; start += size) {
      const batch = events.slice(start, start + size);
      outcome.batches++;
      try {
        const { trigger, triggerMetadata } = eventHubInvocation(listener, partitionId, batch, this.options.nowIso());
        await this.options.invoke(listener.fn, trigger, triggerMetadata);
        outcome.delivered += batch.length;
      } catch (err) {
        outcome.failed += batch.length;
        const range = `sequence numbers ${batch[0]!.sequenceNumber}…${batch[batch.length - 1]!.sequenceNumber}`;
        this.options.log('error', `${name} failed on event hub '${listener.eventHubName}' partition ${partitionId} (${range}); the checkpoint moves on: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
    return outcome;
  }
}
