/** Health telemetry on the Cosmos stand-in: latest sample per device, progress, problem queries, rejected messages. */
import type { Database } from '@azure/cosmos';
import { CosmosHealthTelemetryStore } from '../../adapters/cosmos/health-telemetry-store';
import type { HealthSample } from '../../domain/telemetry/health-sample';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
let database: Database;
beforeAll(() => { database = provisioned(); });

const minute = (m: number) => new Date(Date.UTC(2026, 0, 10, 10, m)).toISOString();
function sample(deviceId: string, receivedMinute: number, overrides: Partial<HealthSample> = {}): HealthSample {
  return { deviceId, version: '2.0.0', healthy: true, at: minute(receivedMinute), receivedAt: minute(receivedMinute), metrics: { cpuPercent: 30 }, ...overrides };
}

describe('CosmosHealthTelemetryStore', () => {
  it('keeps the newest sample per device, even when an older batch is delivered again', async () => {
    const store = new CosmosHealthTelemetryStore(database);
    await store.record([sample('keep-1', 1), sample('keep-1', 3, { healthy: false }), sample('keep-2/odd?id', 2)], { partitionId: '0', receivedAt: minute(3) });
    await store.record([sample('keep-1', 2)], { partitionId: '0', receivedAt: minute(2) });
    const latest = await store.latest(['keep-1', 'keep-2/odd?id', 'never-sent']);
    expect(latest.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([
      sample('keep-1', 3, { healthy: false }),
      sample('keep-2/odd?id', 2),
    ]);
    expect(await store.progress()).toBe(minute(3));
  });

  it('reports progress as the newest partition, never moving back', async () => {
    const store = new CosmosHealthTelemetryStore(database);
    await store.record([], { partitionId: '1', receivedAt: minute(50) });
    await store.record([], { partitionId: '1', receivedAt: minute(40) });
    await store.record([], { partitionId: '2', receivedAt: minute(45) });
    expect(await store.progress()).toBe(minute(50));
  });

  it('finds only the devices unhealthy on the target after the wave began, or quiet since', async () => {
    const store = new CosmosHealthTelemetryStore(database);
    await store.record([
      sample('p-unhealthy', 20, { healthy: false }),
      sample('p-unhealthy-old-version', 20, { healthy: false, version: '1.0.0' }),
      sample('p-unhealthy-before', 2, { healthy: false }),
      sample('p-quiet', 8),
      sample('p-long-dead', 1),
      sample('p-fine', 30),
    ], undefined);
    const found = await store.findProblems({ targetVersion: '2.0.0', unhealthySince: minute(10), quiet: { aliveSince: minute(5), quietBefore: minute(15) }, limit: 100 });
    expect(found.map((s) => s.deviceId).filter((id) => id.startsWith('p-')).sort()).toEqual(['p-quiet', 'p-unhealthy']);
  });

  it('keeps metric means per window and version, counting a redelivered batch once', async () => {
    const store = new CosmosHealthTelemetryStore(database);
    const batch = [
      sample('m-1', 1, { version: '1.0.0', metrics: { cycleTimeMs: 1000 } }),
      sample('m-1', 6, { version: '1.0.0', metrics: { cycleTimeMs: 1100 } }),
      sample('m-1', 11, { version: '2.0.0', metrics: { cycleTimeMs: 1300 } }),
    ];
    await store.record(batch, undefined);
    await store.record(batch, undefined);
    await store.record([sample('m-1', 16, { version: '2.0.0', metrics: { cycleTimeMs: 1500 } })], undefined);
    const window = { from: minute(0), to: minute(30) };
    expect(await store.metricMeans(['m-1', 'nobody'], { ...window, version: { is: '2.0.0' } })).toEqual(new Map([['m-1', { cycleTimeMs: 1400 }]]));
    expect(await store.metricMeans(['m-1'], { ...window, version: { isNot: '2.0.0' } })).toEqual(new Map([['m-1', { cycleTimeMs: 1050 }]]));
  });

  it('records a rejected message once, however often its batch is delivered', async () => {
    const store = new CosmosHealthTelemetryStore(database);
    const rejected = { id: '0:17', deviceId: 'bad-1', receivedAt: minute(1), reason: 'body is not JSON', excerpt: 'hello' };
    await store.reject([rejected]);
    await store.reject([rejected]);
    const { resources } = await database.container('rejectedMessages').items.query('SELECT c.reason FROM c').fetchAll();
    expect(resources).toEqual([{ reason: 'body is not JSON' }]);
  });
});
