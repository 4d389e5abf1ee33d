/**
 * Event Hubs triggers on the devhost: events posted to its delivery API reach the app's `app.eventHub` handlers in
 * the shape the Azure host and Node worker give them, batched, one batch at a time per partition, failures skipped.
 */
import path from 'node:path';
import { json, repoRoot, startDevhost, type DevhostProcess } from '../../support/devhost-process';

const app = path.join(repoRoot, 'test/fixtures/event-hub-app');
let host: DevhostProcess;
beforeAll(async () => { host = await startDevhost([], {}, app); });
afterAll(async () => { await host?.stop(); });
beforeEach(async () => { await fetch(`${host.url}/api/received`, { method: 'DELETE' }); });

const t0 = Date.parse('2030-01-01T10:00:00.000Z');
const authMethod = '{"scope":"device","type":"sas","issuer":"iothub","acceptingIpFilterRule":null}';

function event(sequenceNumber: number, body: unknown, extra: Record<string, unknown> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const enqueued = new Date(t0 + sequenceNumber * 1000).toISOString();
  return {
    body: Buffer.from(text).toString('base64'),
    properties: { type: 'health', Plant: 'a' },
    systemProperties: {
      'iothub-connection-device-id': `dev-${sequenceNumber}`,
      'iothub-connection-auth-method': authMethod,
      'iothub-connection-auth-generation-id': '638000000000000000',
      'iothub-enqueuedtime': enqueued,
      'iothub-message-source': 'Telemetry',
      'content-type': 'application/json',
      'content-encoding': 'utf-8',
    },
    enqueuedTimeUtc: enqueued,
    sequenceNumber,
    offset: String(sequenceNumber * 512),
    partitionKey: null,
    ...extra,
  };
}

const deliver = (events: unknown, hub = 'iothub', partition = '1', init: RequestInit = {}) =>
  json(`${host.url}/admin/eventhubs/${hub}/partitions/${partition}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events), ...init });

async function received(): Promise<{ invocations: { batch: any[]; one: any[] }; maxActive: { batch: number; one: number } }> {
  return (await json(`${host.url}/api/received`)).body;
}

describe('Event Hubs trigger: invocation shape', () => {
  it('cardinality many: the parsed bodies and the *Array metadata, with %SETTING% names resolved', async () => {
    const { status, body } = await deliver([event(1, { type: 'health', healthy: true }), event(2, 'plain text'), event(3, [1, 2])]);
    expect(status).toBe(200);
    expect(body.functions).toEqual(expect.arrayContaining([
      { name: 'telemetryBatch', consumerGroup: 'ota-service', batches: 1, delivered: 3, failed: 0 },
      { name: 'telemetryOne', consumerGroup: '$Default', batches: 3, delivered: 3, failed: 0 },
    ]));
    const [call] = (await received()).invocations.batch;
    expect(call.input).toEqual([{ type: 'health', healthy: true }, 'plain text', [1, 2]]);
    const meta = call.triggerMetadata;
    expect(meta.partitionContext).toEqual({ consumerGroup: 'ota-service', eventHubName: 'iothub', fullyQualifiedNamespace: 'localhost', partitionId: '1' });
    expect(meta.sequenceNumberArray).toEqual([1, 2, 3]);
    // The host sends offsets as strings; the worker JSON-parses each string, so digits arrive as numbers.
    expect(meta.offsetArray).toEqual([512, 1024, 1536]);
    expect(meta.enqueuedTimeUtcArray).toEqual(['2030-01-01T10:00:01.000Z', '2030-01-01T10:00:02.000Z', '2030-01-01T10:00:03.000Z']);
    // Null partition keys are left out of the string collection, as the host does.
    expect(meta.partitionKeyArray).toEqual([]);
    // Only the first letter of each key is lower-cased by the library ('Plant' → 'plant').
    expect(meta.propertiesArray).toEqual([{ type: 'health', plant: 'a' }, { type: 'health', plant: 'a' }, { type: 'health', plant: 'a' }]);
    expect(meta.systemPropertiesArray[1]).toEqual({
      'iothub-connection-device-id': 'dev-2',
      'iothub-connection-auth-method': authMethod,
      'iothub-connection-auth-generation-id': '638000000000000000',
      'iothub-enqueuedtime': '2030-01-01T10:00:02.000Z',
      'iothub-message-source': 'Telemetry',
      'content-type': 'application/json',
      'content-encoding': 'utf-8',
      'x-opt-sequence-number': 2,
      'x-opt-offset': '1024',
      'x-opt-enqueued-time': '2030-01-01T10:00:02.000Z',
      sequenceNumber: 2,
      offset: 1024,
      partitionKey: null,
      enqueuedTimeUtc: '2030-01-01T10:00:02.000Z',
    });
    expect(meta.sys).toMatchObject({ methodName: 'telemetryBatch' });
  });

  it('cardinality one: one body per invocation and the singular metadata keys; the connection’s EntityPath names the hub', async () => {
    expect((await deliver([event(7, { n: 7 }, { partitionKey: 'dev-7' })], 'IoTHub', '3')).status).toBe(200);
    const [call] = (await received()).invocations.one;
    expect(call.input).toEqual({ n: 7 });
    expect(call.triggerMetadata).toMatchObject({
      partitionContext: { consumerGroup: '$Default', eventHubName: 'iothub', fullyQualifiedNamespace: 'localhost', partitionId: '3' },
      partitionKey: 'dev-7',
      offset: 3584,
      sequenceNumber: 7,
      enqueuedTimeUtc: '2030-01-01T10:00:07.000Z',
      properties: { type: 'health', plant: 'a' },
      systemProperties: expect.objectContaining({ 'iothub-connection-device-id': 'dev-7', 'x-opt-partition-key': 'dev-7', sequenceNumber: 7 }),
    });
  });
});

describe('Event Hubs trigger: batches and failures', () => {
  it('splits at host.json maxEventBatchSize and invokes one batch at a time per partition, in order', async () => {
    const events = Array.from({ length: 8 }, (_, i) => event(100 + i, { n: i }));
    const { body } = await deliver(events, 'iothub', '0');
    expect(body).toMatchObject({ delivered: 16, failed: 0 });
    const { invocations, maxActive } = await received();
    expect(invocations.batch.map((call) => call.input.map((b: { n: number }) => b.n))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
    expect(invocations.one.map((call) => call.input.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(maxActive).toEqual({ batch: 1, one: 1 });
  });

  it('a throwing handler is logged with function and partition, and later batches still run', async () => {
    const events = [event(200, { n: 0 }), event(201, { fail: true }), event(202, { n: 2 }), event(203, { n: 3 })];
    const { status, body } = await deliver(events, 'iothub', '2');
    expect(status).toBe(200);
    expect(body.functions).toEqual(expect.arrayContaining([
      { name: 'telemetryBatch', consumerGroup: 'ota-service', batches: 2, delivered: 1, failed: 3 },
      { name: 'telemetryOne', consumerGroup: '$Default', batches: 4, delivered: 3, failed: 1 },
    ]));
    expect((await received()).invocations.batch).toHaveLength(2);
    expect(host.output()).toMatch(/telemetryBatch failed on event hub 'iothub' partition 2 \(sequence numbers 200…202\)/);
  });

  it('an event hub nobody listens to answers 200 with no functions', async () => {
    expect((await deliver([event(1, 'x')], 'nobody-listens')).body).toEqual({ delivered: 0, failed: 0, functions: [] });
  });
});

describe('Event Hubs delivery API: bad requests', () => {
  it.each([
    ['not an array', { body: 'x' }, /must be a JSON array of events/],
    ['a body that is not base64', [{ ...event(1, 'x'), body: 'not base64!' }], /events\[0\]\.body must be base64/],
    ['a missing sequence number', [{ ...event(1, 'x'), sequenceNumber: undefined }], /events\[0\]\.sequenceNumber is required/],
    ['a bad enqueued time', [event(1, 'x'), { ...event(2, 'x'), enqueuedTimeUtc: 'yesterday' }], /events\[1\]\.enqueuedTimeUtc must be an ISO 8601 date-time/],
    ['an unknown field', [{ ...event(1, 'x'), colour: 'red' }], /events\[0\]\.colour is not a known field/],
  ])('%s: 400 problem+json naming the field, nothing invoked', async (_what, events, detail) => {
    const { status, body, headers } = await deliver(events);
    expect(status).toBe(400);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(body.detail).toMatch(detail);
    expect((await received()).invocations.batch).toEqual([]);
  });

  it('413 beyond the event count or the request size', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => event(i, 'x'));
    expect((await deliver(many)).status).toBe(413);
    const huge = [{ ...event(1, 'x'), body: Buffer.alloc(9 * 1024 * 1024).toString('base64') }];
    expect((await deliver(huge)).status).toBe(413);
  });
});
