/** A health telemetry store in memory, for unit tests of the activities (the Cosmos one has its own tests). */
import type { HealthProblemQuery, HealthSample, HealthTelemetryStore, RejectedMessage, TelemetryProgress } from '../../domain/telemetry/health-sample';

export class InMemoryHealthStore implements HealthTelemetryStore {
  readonly samples = new Map<string, HealthSample>();
  readonly rejected: RejectedMessage[] = [];
  private newest: string | undefined;

  async record(samples: readonly HealthSample[], progress: TelemetryProgress | undefined): Promise<void> {
    for (const s of samples) {
      const seen = this.samples.get(s.deviceId);
      if (!seen || seen.receivedAt <= s.receivedAt) this.samples.set(s.deviceId, s);
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

  async latest(deviceIds: readonly string[]): Promise<HealthSample[]> {
    return deviceIds.flatMap((id) => this.samples.get(id) ?? []);
  }
}
