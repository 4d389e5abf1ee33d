/**
 * Application Insights end to end: `npm start` with a connection string pointing at a local ingestion endpoint runs a
 * rollout, and the exporter's envelopes arrive there: a custom event per lifecycle step under the rollout's operation
 * id, per-wave device metrics that add up to the rollout's devices, and dependency calls to Cosmos DB and IoT Hub
 * correlated with the rollout. Export intervals are shortened through the standard OpenTelemetry settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { operationIdOf } from '../../../adapters/appinsights/operation-id';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from '../rollouts/fixtures';
import { startIngestionEndpoint, type Envelope, type IngestionEndpoint } from './ingestion-endpoint';

const ofType = (envelopes: Envelope[], baseType: string) => envelopes.filter((e) => e.data?.baseType === baseType);
const eventsOf = (envelopes: Envelope[], rolloutId: string) =>
  ofType(envelopes, 'EventData').filter((e) => e.data?.baseData?.properties?.rolloutId === rolloutId);

/** Sum of a metric's values per wave for one rollout (the exporter sends deltas: each interval's sum). */
function perWave(envelopes: Envelope[], name: string, rolloutId: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const e of ofType(envelopes, 'MetricData')) {
    const { metrics, properties } = e.data!.baseData as { metrics: { name: string; value: number }[]; properties?: Record<string, string> };
    if (properties?.rolloutId !== rolloutId) continue;
    for (const m of metrics.filter((x) => x.name === name)) sums.set(properties.wave!, (sums.get(properties.wave!) ?? 0) + m.value);
  }
  return sums;
}
const total = (sums: Map<string, number>) => [...sums.values()].reduce((a, b) => a + b, 0);

async function until(check: () => boolean, what: () => string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Application Insights telemetry of a rollout', () => {
  let ingestion: IngestionEndpoint;
  let stack: LocalStack;
  let fleetFile: string;
  beforeAll(async () => {
    ingestion = await startIngestionEndpoint();
    fleetFile = writeProfile(twoSiteFleet());
    stack = await startLocalStack({
      fleet: fleetFile,
      timeSkip: true,
      env: {
        APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
        // Configuration, not code: the standard OpenTelemetry export intervals, and no SDK statistics to Microsoft.
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_BLRP_SCHEDULE_DELAY: '200',
        // Every dependency of the rollout, not the distro's default sample of 5 traces per second.
        OTEL_TRACES_SAMPLER: 'always_on',
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        NODE_EXTRA_CA_CERTS: ingestion.caCertFile,
      },
    });
    await registerUpdate(stack);
  });
  afterAll(async () => {
    await stack?.stop();
    await ingestion?.stop();
    if (fleetFile) fs.rmSync(path.dirname(fleetFile), { recursive: true, force: true });
  });

  it('delivers lifecycle events, per-wave device metrics and dependencies under the rollout operation id', async () => {
    const created = await stack.api('POST', 'rollouts', rolloutBody());
    expect(created.status).toBe(201);
    const rolloutId: string = created.body.id;
    const done = await waitForRollout(stack, rolloutId, ['Completed', 'RolledBack', 'Failed', 'Cancelled']);
    expect(done.status).toBe('Completed');

    const operationId = operationIdOf(rolloutId);
    const cosmosHost = new URL(/Cosmos DB \(stand-in\): (\S+)/.exec(stack.output())![1]!).host;
    const dependencies = () => ofType(ingestion.envelopes(), 'RemoteDependencyData').filter((e) => e.tags?.['ai.operation.id'] === operationId);
    await until(
      () => eventsOf(ingestion.envelopes(), rolloutId).some((e) => e.data?.baseData?.name === 'ota.rollout.completed')
        && total(perWave(ingestion.envelopes(), 'ota.devices.succeeded', rolloutId)) >= 200
        && dependencies().some((d) => d.data?.baseData?.target === cosmosHost)
        && dependencies().some((d) => /^localhost\b/.test(d.data?.baseData?.target ?? '')),
      () => `the rollout's telemetry; received: ${JSON.stringify(summary(ingestion.envelopes())).slice(0, 3000)}`,
    );
    const envelopes = ingestion.envelopes();
    expect(ingestion.refused()).toEqual([]);

    // A custom event per lifecycle step, each under the rollout's operation, with the rollout and wave as dimensions.
    const events = eventsOf(envelopes, rolloutId);
    const names = events.map((e) => `${e.data!.baseData!.name}${e.data!.baseData!.properties.wave === undefined ? '' : `#${e.data!.baseData!.properties.wave}`}`);
    expect(names).toEqual(expect.arrayContaining([
      'ota.rollout.created', 'ota.rollout.completed',
      ...[0, 1, 2, 3].flatMap((wave) => [`ota.rollout.wave.started#${wave}`, `ota.rollout.wave.promoted#${wave}`]),
    ]));
    expect(operationId).toMatch(/^[0-9a-f]{32}$/);
    expect(events.every((e) => e.tags?.['ai.operation.id'] === operationId)).toBe(true);

    // Per-wave device metrics add up to the wave's devices, and the waves to the rollout's.
    const dispatched = perWave(envelopes, 'ota.devices.dispatched', rolloutId);
    const succeeded = perWave(envelopes, 'ota.devices.succeeded', rolloutId);
    const waveSizes = new Map<string, number>(done.waves.map((w: any) => [String(w.index), w.deviceCount]));
    expect(dispatched).toEqual(waveSizes);
    expect(succeeded).toEqual(waveSizes);
    expect(total(dispatched)).toBe(200);
    expect(perWave(envelopes, 'ota.devices.failed', rolloutId).size).toBe(0);
    // The dispatch rate is reported next to the quota the app paces to.
    const rates = ofType(envelopes, 'MetricData').filter((e) => e.data!.baseData!.metrics[0].name === 'ota.dispatch.rate' && e.data!.baseData!.properties.rolloutId === rolloutId);
    expect(rates.length).toBeGreaterThan(0);
    expect(Number(rates[0]!.data!.baseData!.properties.quotaPerSecond)).toBeGreaterThan(0);

    // The rollout's calls to Cosmos DB and IoT Hub are dependencies of the same operation.
    const targets = new Set(dependencies().map((d) => d.data!.baseData!.target as string));
    expect(targets).toContain(cosmosHost);
    expect(dependencies().some((d) => /^localhost\b/.test(d.data!.baseData!.target) && /\/devices\/query|\/twins\//.test(d.data!.baseData!.name))).toBe(true);
  });
});

function summary(envelopes: Envelope[]) {
  const counts = new Map<string, number>();
  for (const e of envelopes) {
    const b = e.data?.baseData ?? {};
    const key = `${e.data?.baseType} ${b.name ?? b.metrics?.[0]?.name ?? ''} ${b.type ?? ''} ${b.target ?? ''} op=${e.tags?.['ai.operation.id']?.slice(0, 8)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries(counts);
}
