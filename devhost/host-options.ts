/** Public shape of the local Functions + Durable host (see devhost/host.ts). */
import type { EventDeliveryResult } from './triggers/event-hub-dispatcher';

export type { EventDeliveryResult } from './triggers/event-hub-dispatcher';
export interface ClockOptions {
  /** Virtual seconds per real second (1 = real time). Durable timers and `currentUtcDateTime` follow it. */
  scale?: number;
  /** When nothing is runnable, jump the clock to the next durable timer (time-skipping, for tests and demos). */
  autoSkip?: boolean;
}

export interface HostOptions {
  /** Folder of an Azure Functions v4 Node app (its package.json `main` is loaded; globs allowed). */
  appDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. Default: local.settings.json `Host.LocalHttpPort`, else 7071. */
  port?: number;
  /** Folder for the persisted task hub; without it state lives in memory. */
  dataDir?: string;
  /** App settings handed to the app through process.env (like local.settings.json `Values`). */
  settings?: Record<string, string>;
  clock?: ClockOptions;
  /** Azurite's blob endpoint (account path included) that `UseDevelopmentStorage=true` means; default http://127.0.0.1:10000/devstoreaccount1. */
  azuriteBlobEndpoint?: string;
  /** Where host and app logs go (default: stdout). */
  log?: (line: string) => void;
}

export interface RunningHost {
  /** e.g. http://127.0.0.1:7071 */
  url: string;
  port: number;
  /** The host clock (ms since the epoch): what durable timers follow; local stand-ins share it (scaled or skipped). */
  now(): number;
  /**
   * What `POST /admin/eventhubs/{eventHubName}/partitions/{partitionId}/events` does, for in-process callers:
   * `events` as that API takes them (validated the same way; a bad one throws a RangeError naming the field).
   */
  deliverEvents(eventHubName: string, partitionId: string, events: readonly unknown[]): Promise<EventDeliveryResult>;
  stop(): Promise<void>;
}
