/**
 * Health telemetry on Cosmos DB: one document per device with its latest health message (id = escaped device id),
 * one progress document per Event Hubs partition, and one document per rejected message. Problem queries read
 * only the devices that are unhealthy or quiet, never a whole wave.
 */
import { BulkOperationType, type Container, type Database, type JSONObject, type OperationInput, type OperationResponse, type SqlParameter } from '@azure/cosmos';
import type { HealthProblemQuery, HealthSample, HealthTelemetryStore, MetricMeans, RejectedMessage, TelemetryProgress } from '../../domain/telemetry/health-sample';
import { addToBuckets, windowMeans, type MetricBucket, type MetricWindow } from '../../domain/telemetry/metric-buckets';
import { containers, escapeId } from './containers';
import { cosmosStatus } from './documents';

type SampleDocument = HealthSample & { id: string; kind: 'health'; buckets?: MetricBucket[] };
type ProgressDocument = TelemetryProgress & { id: string; kind: 'progress' };

/**
 * Devices' documents read or written per bulk request. One request per batch of messages, not one per message: under
 * load the requests themselves (connections, headers, a round trip each) cost more than the documents they carry.
 */
const devicesPerRequest = 100;

/**
 * One bulk request. `items.bulk` is marked deprecated in favour of `executeBulkOperations`, which waits at least a
 * second per call for stragglers (BulkHelper's intervalForPartialBatchInMs): one partition's batches come one at a
 * time, so that second would cap a partition at 100 messages a second.
 */
async function bulk(container: Container, operations: OperationInput[]): Promise<OperationResponse[]> {
  return container.items.bulk(operations, { continueOnError: true });
}

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
    const stored = await this.readDocuments([...byDevice.keys()]);
    const upserts: OperationInput[] = [];
    for (const [deviceId, deviceSamples] of byDevice) {
      const previous = stored.get(deviceId);
      const fresh = deviceSamples
        .filter((s) => !previous || s.receivedAt > previous.receivedAt)
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      if (fresh.length === 0) continue;
      const buckets = fresh.reduce((b, s) => addToBuckets(b, s), previous?.buckets);
      const id = escapeId(deviceId);
      const document: SampleDocument = { ...fresh[fresh.length - 1]!, id, kind: 'health', buckets };
      // Plain JSON data; the SDK's JSONObject only lacks an index signature on the bucket type.
      upserts.push({ operationType: BulkOperationType.Upsert, partitionKey: id, resourceBody: document as unknown as JSONObject });
    }
    for (let start = 0; start < upserts.length; start += devicesPerRequest) {
      const failed = (await bulk(this.health, upserts.slice(start, start + devicesPerRequest))).find((r) => !succeeded(r));
      if (failed) throw new Error(`storing health samples failed: status ${failed.statusCode}`);
    }
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
    const stored = await this.readDocuments(deviceIds);
    return deviceIds.flatMap((id) => {
      const document = stored.get(id);
      return document ? [toSample(document)] : [];
    });
  }

  async metricMeans(deviceIds: readonly string[], window: MetricWindow): Promise<MetricMeans> {
    const means: MetricMeans = new Map();
    for (const [deviceId, document] of await this.readDocuments(deviceIds)) {
      const found = windowMeans(document.buckets, window);
      if (found) means.set(deviceId, found);
    }
    return means;
  }

  /** Devices' documents by device id (devices without one left out), read in bulk: point reads, not a query. */
  private async readDocuments(deviceIds: readonly string[]): Promise<Map<string, SampleDocument>> {
    const documents = new Map<string, SampleDocument>();
    const unique = [...new Set(deviceIds)];
    for (let start = 0; start < unique.length; start += devicesPerRequest) {
      const chunk = unique.slice(start, start + devicesPerRequest);
      const results = await bulk(this.health, chunk.map((deviceId): OperationInput => {
        const id = escapeId(deviceId);
        return { operationType: BulkOperationType.Read, id, partitionKey: id };
      }));
      results.forEach((result, i) => {
        if (result.statusCode === 404) return;
        if (!succeeded(result)) throw new Error(`reading health samples failed: status ${result.statusCode}`);
        const document = result.resourceBody as SampleDocument | undefined;
        if (document?.kind === 'health') documents.set(chunk[i]!, document);
      });
    }
    return documents;
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

function succeeded(result: OperationResponse): boolean {
  return result.statusCode >= 200 && result.statusCode < 300;
}

function toSample(document: SampleDocument): HealthSample {
  const { deviceId, version, healthy, at, receivedAt, metrics } = document;
  return { deviceId, version, healthy, at, receivedAt, metrics };
}
