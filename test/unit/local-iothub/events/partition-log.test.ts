import { partitionOf } from '../../../../local-iothub/events/partitioning';
import { PartitionLog } from '../../../../local-iothub/events/partition-log';
import type { HubEvent } from '../../../../local-iothub/events/hub-event';

const event = (text: string) => (position: { sequenceNumber: number; offset: number }): HubEvent => ({
  body: Buffer.from(text).toString('base64'), properties: {}, systemProperties: {}, enqueuedTimeUtc: '2030-01-01T00:00:00.000Z',
  sequenceNumber: position.sequenceNumber, offset: String(position.offset), partitionKey: null,
});

describe('partitionOf', () => {
  it('puts a device on the same partition every time, and spreads devices over all partitions', () => {
    expect(partitionOf('plant-a-ctl-a-7', 4)).toBe(partitionOf('plant-a-ctl-a-7', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[partitionOf(`device-${i}`, 4)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});

describe('PartitionLog', () => {
  it('numbers events in order with offsets that grow by their size', () => {
    const log = new PartitionLog('2', 10);
    const a = log.append(event('a'), 100);
    const b = log.append(event('b'), 50);
    const c = log.append(event('c'), 10);
    expect([a, b, c].map((e) => [e.sequenceNumber, e.offset])).toEqual([[0, '0'], [1, '100'], [2, '150']]);
    expect(log.peek(2, 1e6).map((e) => e.sequenceNumber)).toEqual([0, 1]);
  });

  it('keeps at most its capacity: the oldest are dropped first and counted', () => {
    const log = new PartitionLog('0', 3);
    for (let i = 0; i < 5; i++) log.append(event(String(i)), 1);
    expect(log.peek(10, 1e6).map((e) => e.sequenceNumber)).toEqual([2, 3, 4]);
    expect(log.stats()).toEqual({ partitionId: '0', enqueued: 5, delivered: 0, dropped: 2, pending: 3, lastError: null });
  });

  it('counts as delivered only what was still held when a batch was acknowledged', () => {
    const log = new PartitionLog('0', 3);
    for (let i = 0; i < 3; i++) log.append(event(String(i)), 1);
    const inFlight = log.peek(3, 1e6);
    // Two more arrive while the batch is in flight: 0 and 1 are dropped.
    log.append(event('3'), 1);
    log.append(event('4'), 1);
    log.acknowledge(inFlight[inFlight.length - 1]!.sequenceNumber);
    expect(log.stats()).toMatchObject({ enqueued: 5, delivered: 1, dropped: 2, pending: 2 });
    expect(log.peek(10, 1e6).map((e) => e.sequenceNumber)).toEqual([3, 4]);
  });

  it('cuts batches by event count and by size, always taking at least one event', () => {
    const log = new PartitionLog('0', 100);
    for (let i = 0; i < 10; i++) log.append(event('x'.repeat(1000)), 1000);
    expect(log.peek(4, 1e6)).toHaveLength(4);
    // Each event is about 1,850 bytes of JSON (base64 body and room for its properties).
    expect(log.peek(100, 4000)).toHaveLength(2);
    expect(log.peek(100, 1)).toHaveLength(1);
  });
});
