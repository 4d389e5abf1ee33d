/**
 * Health telemetry on Cosmos DB: one document per device with its latest health message (id = escaped device id),
 * one progress document per Event Hubs partition, and one document per rejected message. Problem queries read
 * only the devices that are unhealthy or quiet, never a whole wave.
 */
import type { Container, Database, SqlParameter } from '@azure/cosmos';
import type { HealthProblemQuery, HealthSample, HealthTelemetryStore, MetricMeans, RejectedMessage, TelemetryProgress } from '../../domain/telemetry/health-sample';
import { addToBuckets, windowMeans, type MetricBucket, type MetricWindow } from '../../domain/telemetry/metric-buckets';
import { containers, escapeId } from './containers';
import { cosmosStatus } from './documents';

type SampleDocument = HealthSample & { id: string; kind: 'health'; buckets?: MetricBucket[] };
type ProgressDocument = TelemetryProgress & { id: string; kind: 'progress' };

export class CosmosHealthTelemetryStore implements HealthTelemetryStore {
  private readonly health: Container;
  private readonly rejected: Container;

  constructor(database: Database) {
    this.health = database.container(containers.deviceHealth.id);
    this.rejected = database.container(containers.rejectedMessages.id);
  }

  async record(samples: readonly HealthSample[], progress: TelemetryProgress | undefined): Promise<void> {
    const byDevice = new Map<string, HealthSample[]>();
    for (const sample of samples) byDevice.set(sample.deviceId, [...(byDevice.get(sample.deviceId) ?? []), sample]);
    // One partition's batches come one at a time and a device always sends to the same partition, so
    // read-then-write does not race. Samples not newer than what is stored (a redelivered batch) are left out, so
    // the latest sample never goes back and no sample is counted twice in the metric buckets.
    await Promise.all([...byDevice.entries()].map(async ([deviceId, deviceSamples]) => {
      const stored = await this.readDocument(deviceId);
      const fresh = deviceSamples
        .filter((s) => !stored || s.receivedAt > stored.receivedAt)
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      if (fresh.length === 0) return;
      const buckets = fresh.reduce((b, s) => addToBuckets(b, s), stored?.buckets);
      await this.health.items.upsert<SampleDocument>({ ...fresh[fresh.length - 1]!, id: escapeId(deviceId), kind: 'health', buckets });
    }));
    if (progress) await this.advance(progress);
  }

  async reject(messages: readonly RejectedMessage[]): Promise<void> {
    await Promise.all(messages.map(async (m) => {
      try {
        await this.rejected.items.create({ ...m, id: escapeId(m.id) });
      } catch (err) {
        if (cosmosStatus(err) !== 409) throw err; // recorded already (a redelivered batch)
      }
    }));
  }

  /** Reads every progress document: bounded, one per Event Hubs partition (at most 32). */
  async progress(): Promise<string | undefined> {
    const { resources } = await this.health.items
      .query<string>({ query: "SELECT VALUE c.receivedAt FROM c WHERE c.kind = 'progress'" })
      .fetchAll();
    return resources.reduce<string | undefined>((max, at) => (max === undefined || at > max ? at : max), undefined);
  }

  async findProblems(query: HealthProblemQuery): Promise<HealthSample[]> {
    const parameters: SqlParameter[] = [
      { name: '@target', value: query.targetVersion },
      { name: '@since', value: query.unhealthySince },
    ];
    let condition = '(c.healthy = false AND c.version = @target AND c.receivedAt >= @since)';
    if (query.quiet) {
      parameters.push({ name: '@alive', value: query.quiet.aliveSince }, { name: '@quiet', value: query.quiet.quietBefore });
      condition += ' OR (c.receivedAt >= @alive AND c.receivedAt < @quiet)';
    }
    const iterator = this.health.items.query<SampleDocument>(
      { query: `SELECT * FROM c WHERE c.kind = 'health' AND (${condition})`, parameters },
      { maxItemCount: Math.min(query.limit, 1000) },
    );
    const found: HealthSample[] = [];
    while (found.length < query.limit && iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      found.push(...resources.map(toSample));
    }
    return found.slice(0, query.limit);
  }

  async latest(deviceIds: readonly string[]): Promise<HealthSample[]> {
    const found = await Promise.all(deviceIds.map((id) => this.read(id)));
    return found.filter((s): s is HealthSample => s !== undefined);
  }

  async metricMeans(deviceIds: readonly string[], window: MetricWindow): Promise<MetricMeans> {
    const means: MetricMeans = new Map();
    await Promise.all(deviceIds.map(async (deviceId) => {
      const found = windowMeans((await this.readDocument(deviceId))?.buckets, window);
      if (found) means.set(deviceId, found);
    }));
    return means;
  }

  private async read(deviceId: string): Promise<HealthSample | undefined> {
    const document = await this.readDocument(deviceId);
    return document && toSample(document);
  }

  /** A point read: one device's document, however large the container (cheaper than a query in Cosmos DB too). */
  private async readDocument(deviceId: string): Promise<SampleDocument | undefined> {
    const id = escapeId(deviceId);
    const { resource } = await this.health.item(id, id).read<SampleDocument>();
    return resource?.kind === 'health' ? resource : undefined;
  }

  /** Progress only moves forward (etag-guarded, so two batches of one partition cannot take it back). */
  private async advance(progress: TelemetryProgress): Promise<void> {
    const id = escapeId(`$progress:${progress.partitionId}`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const { resource, etag } = await this.health.item(id, id).read<ProgressDocument>();
      if (resource && resource.receivedAt >= progress.receivedAt) return;
      const document: ProgressDocument = { ...progress, id, kind: 'progress' };
      try {
        if (resource && etag) await this.health.item(id, id).replace(document, { accessCondition: { type: 'IfMatch', condition: etag } });
        else await this.health.items.create(document);
        return;
      } catch (err) {
        const status = cosmosStatus(err);
        if (status !== 412 && status !== 409) throw err;
      }
    }
  }
}

function toSample(document: SampleDocument): HealthSample {
  const { deviceId, version, healthy, at, receivedAt, metrics } = document;
  return { deviceId, version, healthy, at, receivedAt, metrics };
}
