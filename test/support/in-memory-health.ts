/** A health telemetry store in memory, for unit tests of the activities (the Cosmos one has its own tests). */
import type { HealthProblemQuery, HealthSample, HealthTelemetryStore, MetricMeans, RejectedMessage, TelemetryProgress } from '../../domain/telemetry/health-sample';
import { addToBuckets, windowMeans, type MetricBucket, type MetricWindow } from '../../domain/telemetry/metric-buckets';

export class InMemoryHealthStore implements HealthTelemetryStore {
  readonly samples = new Map<string, HealthSample>();
  readonly rejected: RejectedMessage[] = [];
  readonly buckets = new Map<string, MetricBucket[]>();
  private newest: string | undefined;

  async record(samples: readonly HealthSample[], progress: TelemetryProgress | undefined): Promise<void> {
    for (const s of samples) {
      const seen = this.samples.get(s.deviceId);
      if (seen && seen.receivedAt >= s.receivedAt) continue;
      this.samples.set(s.deviceId, s);
      this.buckets.set(s.deviceId, addToBuckets(this.buckets.get(s.deviceId), s));
    }
    if (progress && (!this.newest || progress.receivedAt > this.newest)) this.newest = progress.receivedAt;
  }

  async reject(messages: readonly RejectedMessage[]): Promise<void> {
    this.rejected.push(...messages);
  }

  async progress(): Promise<string | undefined> {
    return this.newest;
  }

  async findProblems(q: HealthProblemQuery): Promise<HealthSample[]> {
    return [...this.samples.values()].filter((s) =>
      (!s.healthy && s.version === q.targetVersion && s.receivedAt >= q.unhealthySince) ||
      (q.quiet !== undefined && s.receivedAt >= q.quiet.aliveSince && s.receivedAt < q.quiet.quietBefore),
    ).slice(0, q.limit);
  }

  async metricMeans(deviceIds: readonly string[], window: MetricWindow): Promise<MetricMeans> {
    const means: MetricMeans = new Map();
    for (const id of deviceIds) {
      const found = windowMeans(this.buckets.get(id), window);
      if (found) means.set(id, found);
    }
    return means;
  }

  async latest(deviceIds: readonly string[]): Promise<HealthSample[]> {
    return deviceIds.flatMap((id) => this.samples.get(id) ?? []);
  }
}
