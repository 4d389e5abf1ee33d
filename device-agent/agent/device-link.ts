/**
 * The device's connection to IoT Hub through the official device SDK (azure-iot-device over MQTT/TLS). The SDK's
 * own retries are turned off: a dropped connection is replaced by a new client with a short capped backoff, and
 * every (re)connection starts with a twin GET, so commands sent while offline are not lost and the outbox can be
 * flushed in order.
 */
import { Client, type Message, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';

type RetryPolicy = Parameters<Client['setRetryPolicy']>[0];

/** Fail fast: the link decides when to reconnect, and a report that fails stays in the outbox. */
const noRetry: RetryPolicy = { shouldRetry: () => false, nextRetryTimeout: () => 0 };

export interface LinkHandlers {
  /** After each (re)connection, with the desired properties of the twin GET. */
  connected(desired: Record<string, unknown>): void;
  /** On a desired-properties push, with the whole desired section after the merge. */
  desiredChanged(desired: Record<string, unknown>): void;
  log(line: string): void;
}

const backoffMs = { first: 500, max: 5000 } as const;

export class DeviceLink {
  private client: Client | undefined;
  private twin: Twin | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly connectionString: string,
    private readonly ca: string | undefined,
    private readonly handlers: LinkHandlers,
  ) {}

  get isConnected(): boolean {
    return this.twin !== undefined;
  }

  start(): void {
    void this.connect();
  }

  /** Resolves once the hub acknowledged the reported patch; rejects when offline or refused. */
  async updateReported(patch: Record<string, unknown>): Promise<void> {
    const twin = this.twin;
    if (!twin) throw new Error('not connected');
    await new Promise<void>((resolve, reject) => {
      twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve()));
    });
  }

  async sendEvent(message: Message): Promise<void> {
    const client = this.client;
    if (!client || !this.twin) throw new Error('not connected');
    await client.sendEvent(message);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.twin?.removeAllListeners();
    this.twin = undefined;
    await this.drop(this.client);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = Client.fromConnectionString(this.connectionString, Mqtt);
    this.client = client;
    client.setRetryPolicy(noRetry);
    client.on('error', (error: Error) => this.lost(client, error.message));
    client.on('disconnect', () => this.lost(client, 'disconnected'));
    try {
      if (this.ca !== undefined) await client.setOptions({ ca: this.ca });
      await client.open();
      const twin = await client.getTwin();
      twin.on('error', (error: Error) => this.lost(client, error.message));
      twin.on('properties.desired', () => {
        if (this.twin === twin) this.handlers.desiredChanged(twin.properties.desired);
      });
      // Subscribed before the state is read again: a command written in between arrives one way or the other.
      await new Promise<void>((resolve, reject) => twin.enableTwinDesiredPropertiesUpdates((error) => (error ? reject(error) : resolve())));
      await twin.get();
      if (this.stopped || this.client !== client) return;
      this.twin = twin;
      this.failures = 0;
      this.handlers.log('connected to IoT Hub');
      this.handlers.connected(twin.properties.desired);
    } catch (error) {
      this.lost(client, (error as Error).message);
    }
  }

  private lost(client: Client, reason: string): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.twin?.removeAllListeners();
    this.twin = undefined;
    void this.drop(client);
    const delay = Math.min(backoffMs.first * 2 ** this.failures, backoffMs.max);
    this.failures++;
    this.handlers.log(`IoT Hub connection lost or refused (${reason}); retrying in ${(delay / 1000).toFixed(1)} s`);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private async drop(client: Client | undefined): Promise<void> {
    if (!client) return;
    await client.close().catch(() => undefined);
    client.removeAllListeners();
    // A late 'error' from a closing transport must not crash the process.
    client.on('error', () => undefined);
  }
}
