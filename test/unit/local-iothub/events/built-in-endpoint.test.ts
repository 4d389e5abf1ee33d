/** The built-in events endpoint's senders against a real HTTP receiver on 127.0.0.1: order, retry, stop. */
import { BuiltInEventsEndpoint } from '../../../../local-iothub/events/built-in-endpoint';
import { partitionOf } from '../../../../local-iothub/events/partitioning';
import { HubState } from '../../../../local-iothub/hub-state';
import { startEventReceiver, type EventReceiver } from '../../../support/event-receiver';
import { waitFor } from '../../../support/iothub-device';

let receiver: EventReceiver;
let endpoint: BuiltInEventsEndpoint | undefined;
beforeEach(async () => { receiver = await startEventReceiver(); });
afterEach(async () => {
  endpoint?.stop();
  endpoint = undefined;
  await receiver.stop();
});

const fast = { lingerMs: 5, retryInitialMs: 20, retryMaxMs: 80, requestTimeoutMs: 2000 };

function hub(): HubState {
  const state = new HubState(() => Date.parse('2030-01-01T00:00:00.000Z'));
  state.createIdentity({ deviceId: 'dev-1' });
  return state;
}

const bodies = (r: EventReceiver) => r.batches.flatMap((b) => b.events.map((e) => Buffer.from(e.body, 'base64').toString()));

describe('BuiltInEventsEndpoint', () => {
  it('posts a device’s messages to its partition, in order, in batches of at most maxBatchEvents', async () => {
    const state = hub();
    endpoint = new BuiltInEventsEndpoint(state, { eventsEndpoint: receiver.url, sender: { ...fast, maxBatchEvents: 4 } });
    for (let i = 0; i < 10; i++) state.sendTelemetry('dev-1', Buffer.from(`m${i}`), {});
    await waitFor(() => bodies(receiver).length === 10, 'all 10 messages');
    expect(bodies(receiver)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(new Set(receiver.batches.map((b) => b.partitionId))).toEqual(new Set([String(partitionOf('dev-1', 4))]));
    expect(Math.max(...receiver.batches.map((b) => b.events.length))).toBeLessThanOrEqual(4);
    expect(receiver.batches.flatMap((b) => b.events.map((e) => e.sequenceNumber))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('retries a refused batch with backoff, then delivers everything in order and clears the error', async () => {
    const state = hub();
    receiver.failWith = 503;
    endpoint = new BuiltInEventsEndpoint(state, { eventsEndpoint: receiver.url, sender: fast });
    for (let i = 0; i < 3; i++) state.sendTelemetry('dev-1', Buffer.from(`m${i}`), {});
    await waitFor(() => receiver.refused >= 3, 'three refused attempts');
    const partition = endpoint.stats().partitions[partitionOf('dev-1', 4)]!;
    expect(partition).toMatchObject({ enqueued: 3, delivered: 0, pending: 3 });
    expect(partition.lastError).toMatch(/HTTP 503/);
    state.sendTelemetry('dev-1', Buffer.from('m3'), {});
    receiver.failWith = undefined;
    // The hub counts a batch as delivered once it has read the answer, a moment after the receiver kept it.
    await waitFor(() => endpoint!.stats().partitions[partitionOf('dev-1', 4)]!.pending === 0, 'the messages after the endpoint came back');
    expect(bodies(receiver)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(endpoint.stats().partitions[partitionOf('dev-1', 4)]).toMatchObject({ delivered: 4, pending: 0, lastError: null });
  });

  it('keeps messages until an endpoint is set, then delivers them', async () => {
    const state = hub();
    endpoint = new BuiltInEventsEndpoint(state, { sender: fast });
    state.sendTelemetry('dev-1', Buffer.from('early'), {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.batches).toEqual([]);
    expect(endpoint.stats().endpoint).toBeNull();
    endpoint.setEventsEndpoint(receiver.url);
    await waitFor(() => bodies(receiver).length === 1, 'the early message');
    expect(endpoint.stats().endpoint).toBe(receiver.url);
  });

  it('stop leaves no timer and sends nothing more', async () => {
    const state = hub();
    receiver.failWith = 500;
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    endpoint = new BuiltInEventsEndpoint(state, { eventsEndpoint: receiver.url, sender: fast });
    state.sendTelemetry('dev-1', Buffer.from('m'), {});
    await waitFor(() => receiver.refused >= 1, 'a refused attempt');
    endpoint.stop();
    const refused = receiver.refused;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.refused).toBe(refused);
    // Timers of the process as a whole: other timers come and go meanwhile (fetch's keep-alive, earlier tests'), so
    // the count must settle back to where it was; a retry timer re-armed after stop never lets it.
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await waitFor(() => timeouts() <= timersBefore, 'the timers to settle after stop', 8_000);
  });

  it('refuses a partition count outside 1…32', () => {
    expect(() => new BuiltInEventsEndpoint(hub(), { partitions: 0 })).toThrow(/eventHubPartitions must be a whole number from 1 to 32/);
  });
});
