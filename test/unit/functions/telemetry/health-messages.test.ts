import { parseHealthBatch } from '../../../../functions/telemetry/health-messages';

const enqueued = '2026-01-10T10:00:05.000Z';
const health = { type: 'health', version: '2.0.0', healthy: true, at: '2026-01-10T10:00:04Z', metrics: { cpuPercent: 30, cycleTimeMs: 812 } };

/** Trigger metadata as the Functions host passes it for `cardinality: 'many'`. */
function metadata(deviceIds: (string | undefined)[], partitionId = '2') {
  return {
    partitionContext: { consumerGroup: '$Default', eventHubName: 'iothub', partitionId },
    enqueuedTimeUtcArray: deviceIds.map(() => enqueued),
    sequenceNumberArray: deviceIds.map((_, i) => 40 + i),
    propertiesArray: deviceIds.map(() => ({ type: 'health' })),
    systemPropertiesArray: deviceIds.map((id) => (id === undefined ? {} : { 'iothub-connection-device-id': id, 'iothub-enqueuedtime': enqueued })),
  };
}

describe('parseHealthBatch', () => {
  it('turns health messages into samples stamped with the enqueued time, whatever form the body arrives in', () => {
    const batch = parseHealthBatch([health, JSON.stringify(health), Buffer.from(JSON.stringify(health))], metadata(['a', 'b', 'c']));
    expect(batch.samples).toEqual(['a', 'b', 'c'].map((deviceId) => ({
      deviceId, version: '2.0.0', healthy: true, at: '2026-01-10T10:00:04.000Z', receivedAt: enqueued, metrics: { cpuPercent: 30, cycleTimeMs: 812 },
    })));
    expect(batch.rejected).toEqual([]);
    expect(batch.progress).toEqual({ partitionId: '2', receivedAt: enqueued });
  });

  it('ignores messages of other types (the device\'s own business)', () => {
    const batch = parseHealthBatch([{ type: 'vibration', rms: 0.3 }], metadata(['a']));
    expect(batch).toMatchObject({ samples: [], rejected: [], ignored: 1 });
  });

  it.each<[string, unknown, (string | undefined)[], string]>([
    ['a body that is not JSON', 'temperature=21', ['a'], 'the body is not JSON'],
    ['a health message without a version', { ...health, version: undefined }, ['a'], 'version'],
    ['a health message whose healthy is a string', { ...health, healthy: 'yes' }, ['a'], 'healthy'],
    ['a metric that is not a number', { ...health, metrics: { cpuPercent: 'high' } }, ['a'], 'metrics.cpuPercent'],
    ['a date that is not ISO 8601', { ...health, at: 'yesterday' }, ['a'], 'at must be an ISO 8601 date-time'],
    ['no device id in the system properties', health, [undefined], 'iothub-connection-device-id is missing'],
  ])('rejects %s, naming why, and keeps the rest of the batch', (_case, body, ids, reason) => {
    const batch = parseHealthBatch([body, health], metadata([...ids, 'good']));
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]!.reason).toContain(reason);
    expect(batch.rejected[0]!.id).toBe('2:40');
    expect(batch.samples.map((s) => s.deviceId)).toEqual(['good']);
  });

  it('bounds what it keeps of a rejected body', () => {
    const batch = parseHealthBatch(['x'.repeat(100_000)], metadata(['a']));
    expect(batch.rejected[0]!.excerpt.length).toBeLessThanOrEqual(512);
  });
});
