/**
 * One partition of the built-in endpoint: events in order with their sequence numbers and offsets, kept until the
 * sender has delivered them, at most `capacity` of them (the oldest are dropped first and counted, as the
 * endpoint's retention drops what nobody read in time).
 */
import type { HubEvent } from './hub-event';

export interface PartitionStats {
  partitionId: string;
  enqueued: number;
  delivered: number;
  dropped: number;
  pending: number;
  lastError: string | null;
}

export class PartitionLog {
  private items: HubEvent[] = [];
  private head = 0;
  private nextSequenceNumber = 0;
  private nextOffset = 0;
  enqueued = 0;
  delivered = 0;
  dropped = 0;
  lastError: string | null = null;

  constructor(
    readonly partitionId: string,
    private readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a partition must keep at least 1 event, not ${capacity}`);
  }

  get pending(): number {
    return this.items.length - this.head;
  }

  /** Adds an event built for the next position; returns it. */
  append(build: (position: { sequenceNumber: number; offset: number }) => HubEvent, size: number): HubEvent {
    const event = build({ sequenceNumber: this.nextSequenceNumber++, offset: this.nextOffset });
    this.nextOffset += size;
    this.items.push(event);
    this.enqueued++;
    if (this.pending > this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.compact();
    return event;
  }

  /** The oldest undelivered events, in order, at most `maxEvents` and about `maxBytes` of JSON (at least one). */
  peek(maxEvents: number, maxBytes: number): HubEvent[] {
    const batch: HubEvent[] = [];
    let bytes = 0;
    for (let i = this.head; i < this.items.length && batch.length < maxEvents; i++) {
      const event = this.items[i]!;
      const size = event.body.length + 512;
      if (batch.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      batch.push(event);
    }
    return batch;
  }

  /** Everything up to `sequenceNumber` was delivered (events dropped meanwhile are not counted twice). */
  acknowledge(sequenceNumber: number): void {
    while (this.head < this.items.length && this.items[this.head]!.sequenceNumber <= sequenceNumber) {
      this.head++;
      this.delivered++;
    }
    this.compact();
  }

  stats(): PartitionStats {
    return { partitionId: this.partitionId, enqueued: this.enqueued, delivered: this.delivered, dropped: this.dropped, pending: this.pending, lastError: this.lastError };
  }

  /** Drops the consumed front of the array now and then, so a long-running partition does not keep it. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
