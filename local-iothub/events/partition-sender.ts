/**
 * Delivers one partition's events to the consumer (the devhost's Event Hubs delivery API) in order: a batch at a
 * time, posted once it is full or after a short linger, the next only after the previous was accepted; a transport
 * error or non-2xx answer is retried with exponential backoff (the batch is posted again from the same event).
 */
import type { PartitionLog } from './partition-log';
import type { HubEvent } from './hub-event';

export interface SenderOptions {
  /** e.g. http://127.0.0.1:7071/admin/eventhubs/iothub; undefined: keep events until one is set. */
  endpoint: () => string | undefined;
  maxBatchEvents: number;
  maxBatchBytes: number;
  lingerMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  requestTimeoutMs: number;
  log: (line: string) => void;
}

export class PartitionSender {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly partition: PartitionLog,
    private readonly options: SenderOptions,
  ) {}

  /** New events (or a new endpoint): post soon, at once when a batch is full. */
  notify(): void {
    if (this.stopped || this.inFlight || this.timer || this.failures > 0) return;
    if (this.partition.pending === 0 || !this.options.endpoint()) return;
    const full = this.partition.pending >= this.options.maxBatchEvents;
    this.arm(full ? 0 : this.options.lingerMs);
  }

  /** Retries wait for their backoff; a new endpoint is tried at once. */
  endpointChanged(): void {
    if (this.stopped || this.inFlight) return;
    this.failures = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.notify();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.post();
    }, delayMs);
  }

  private async post(): Promise<void> {
    const endpoint = this.options.endpoint();
    const batch = this.partition.peek(this.options.maxBatchEvents, this.options.maxBatchBytes);
    if (this.stopped || !endpoint || batch.length === 0) return;
    const abort = new AbortController();
    this.inFlight = abort;
    const timeout = setTimeout(() => abort.abort(new Error(`no answer within ${this.options.requestTimeoutMs} ms`)), this.options.requestTimeoutMs);
    try {
      await postBatch(`${endpoint.replace(/\/+$/, '')}/partitions/${this.partition.partitionId}/events`, batch, abort.signal);
      this.partition.acknowledge(batch[batch.length - 1]!.sequenceNumber);
      this.partition.lastError = null;
      this.failures = 0;
    } catch (err) {
      if (this.stopped) return;
      this.failures++;
      const reason = abort.signal.aborted ? String((abort.signal.reason as Error | undefined)?.message ?? 'aborted') : (err as Error).message;
      this.partition.lastError = `${new Date().toISOString()} ${reason}`;
      if (this.failures === 1) this.options.log(`local IoT Hub: events partition ${this.partition.partitionId}: delivery to ${endpoint} failed (${reason}); retrying with backoff`);
    } finally {
      clearTimeout(timeout);
      this.inFlight = undefined;
    }
    if (this.stopped) return;
    if (this.failures > 0) this.arm(Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** (this.failures - 1)));
    else this.notify();
  }
}

async function postBatch(url: string, events: readonly HubEvent[], signal: AbortSignal): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events), signal });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`);
}
