/**
 * Measurements a rollout progress update amounts to, for operators' telemetry: how long approvers took (creation to
 * the gate's end) and how long a roll back took (start, i.e. the crossed threshold, to every device verified back).
 * Times are durable time, so a replayed or re-run update measures the same.
 */
import type { RolloutRecord } from '../domain/rollouts/rollout-record';
import type { TelemetryProperties } from '../domain/observability/observability-port';
import type { ProgressUpdate } from '../orchestrations/contracts';

export interface RolloutMeasurement {
  name: 'ota.approval.wait' | 'ota.rollback.latency';
  valueMs: number;
  properties: TelemetryProperties;
}

const between = (from: string, to: string): number => Date.parse(to) - Date.parse(from);

export function progressMeasurements(previous: RolloutRecord, update: ProgressUpdate): RolloutMeasurement[] {
  const next = update.status;
  if (!next || next === previous.status) return [];
  const measurements: RolloutMeasurement[] = [];
  if (previous.status === 'PendingApproval' && previous.spec.approval) {
    measurements.push({ name: 'ota.approval.wait', valueMs: between(previous.createdAt, update.at), properties: { outcome: next } });
  }
  if (previous.status === 'RollingBack' && previous.rollbackStartedAt) {
    measurements.push({ name: 'ota.rollback.latency', valueMs: between(previous.rollbackStartedAt, update.at), properties: { outcome: next, reason: previous.reason, ...(previous.reasonCode ? { reasonCode: previous.reasonCode } : {}) } });
  }
  return measurements;
}
