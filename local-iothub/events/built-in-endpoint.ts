/**
 * The local hub's built-in Event Hubs-compatible endpoint: every device-to-cloud message (`HubState.sendTelemetry`,
 * MQTT and virtual devices alike) lands on one of N partitions, chosen by the device id, and a sender per
 * partition delivers them to the events URL (the devhost's Event Hubs delivery API) when one is set.
 */
import type { HubState } from '../hub-state';
import { hubEventOf, storedSize } from './hub-event';
import { PartitionLog, type PartitionStats } from './partition-log';
import { partitionOf } from './partitioning';
import { PartitionSender, type SenderOptions } from './partition-sender';

export interface BuiltInEndpointOptions {
  /** Partitions (IoT Hub's default is 4). */
  partitions?: number;
  /** Where batches are posted: `{eventsEndpoint}/partitions/{id}/events`. */
  eventsEndpoint?: string;
  /** Undelivered events kept per partition before the oldest are dropped. */
  maxPendingPerPartition?: number;
  sender?: Partial<Omit<SenderOptions, 'endpoint' | 'log'>>;
  log?: (line: string) => void;
}

export interface EventsStats {
  endpoint: string | null;
  partitions: PartitionStats[];
}

export const defaultPartitions = 4;
const defaultMaxPending = 10_000;
const defaultSender: Omit<SenderOptions, 'endpoint' | 'log'> = {
  maxBatchEvents: 500,
  maxBatchBytes: 2 * 1024 * 1024,
  lingerMs: 20,
  retryInitialMs: 100,
  retryMaxMs: 5_000,
  requestTimeoutMs: 30_000,
};

export class BuiltInEventsEndpoint {
  private readonly logs: PartitionLog[];
  private readonly senders: PartitionSender[];
  private readonly unsubscribe: () => void;
  private endpoint: string | undefined;

  constructor(
    private readonly state: HubState,
    options: BuiltInEndpointOptions = {},
  ) {
    const count = options.partitions ?? defaultPartitions;
    if (!Number.isInteger(count) || count < 1 || count > 32) throw new RangeError(`eventHubPartitions must be a whole number from 1 to 32, not ${count}`);
    this.endpoint = checkedUrl(options.eventsEndpoint);
    const senderOptions: SenderOptions = { ...defaultSender, ...options.sender, endpoint: () => this.endpoint, log: options.log ?? (() => undefined) };
    this.logs = Array.from({ length: count }, (_, i) => new PartitionLog(String(i), options.maxPendingPerPartition ?? defaultMaxPending));
    this.senders = this.logs.map((log) => new PartitionSender(log, senderOptions));
    this.unsubscribe = state.onTelemetry((message) => {
      const index = partitionOf(message.deviceId, count);
      const identity = this.state.identities.get(message.deviceId);
      this.logs[index]!.append((position) => hubEventOf(message, identity, position), storedSize(message));
      this.senders[index]!.notify();
    });
  }

  get partitionCount(): number {
    return this.logs.length;
  }

  setEventsEndpoint(url: string | undefined): void {
    this.endpoint = checkedUrl(url);
    for (const sender of this.senders) sender.endpointChanged();
  }

  stats(): EventsStats {
    return { endpoint: this.endpoint ?? null, partitions: this.logs.map((log) => log.stats()) };
  }

  stop(): void {
    this.unsubscribe();
    for (const sender of this.senders) sender.stop();
  }
}

function checkedUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') throw new RangeError(`the events endpoint must be an http(s) URL, not ${url}`);
  return url.replace(/\/+$/, '');
}
