/**
 * Health telemetry on Cosmos DB: one document per device with its latest health message (id = escaped device id),
 * one progress document per Event Hubs partition, and one document per rejected message. Problem queries read
 * only the devices that are unhealthy or quiet, never a whole wave.
 */
import type { Container, Database, SqlParameter } from '@azure/cosmos';
import type { HealthProblemQuery, HealthSample, HealthTelemetryStore, RejectedMessage, TelemetryProgress } from '../../domain/telemetry/health-sample';
import { containers, escapeId } from './containers';
import { cosmosStatus } from './documents';

type SampleDocument = HealthSample & { id: string; kind: 'health' };
type ProgressDocument = TelemetryProgress & { id: string; kind: 'progress' };

export class CosmosHealthTelemetryStore implements HealthTelemetryStore {
  private readonly health: Container;
  private readonly rejected: Container;

  constructor(database: Database) {
    this.health = database.container(containers.deviceHealth.id);
    this.rejected = database.container(containers.rejectedMessages.id);
  }

  async record(samples: readonly HealthSample[], progress: TelemetryProgress | undefined): Promise<void> {
    const newest = new Map<string, HealthSample>();
    for (const sample of samples) {
      const seen = newest.get(sample.deviceId);
      if (!seen || sample.receivedAt >= seen.receivedAt) newest.set(sample.deviceId, sample);
    }
    // A redelivered older batch must not replace what a device said since. One partition's batches come one at a
    // time and a device always sends to the same partition, so read-then-write does not race.
    await Promise.all([...newest.values()].map(async (sample) => {
      const stored = await this.read(sample.deviceId);
      if (stored && stored.receivedAt > sample.receivedAt) return;
      await this.health.items.upsert<SampleDocument>({ ...sample, id: escapeId(sample.deviceId), kind: 'health' });
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

  /** A point read: one device's document, however large the container (cheaper than a query in Cosmos DB too). */
  private async read(deviceId: string): Promise<HealthSample | undefined> {
    const id = escapeId(deviceId);
    const { resource } = await this.health.item(id, id).read<SampleDocument>();
    return resource?.kind === 'health' ? toSample(resource) : undefined;
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
