/**
 * What a device's health telemetry says about it in a wave, on top of its twin report: unhealthy when its latest
 * message about the rollout's version (sent after the command went out) says so; silent when it was sending
 * messages when the command went out and then stopped for the rollout's silence timeout.
 *
 * Silence is measured against the pipeline's progress (the newest message stored from any device), not the clock:
 * when delivery lags or the clock jumps ahead (virtual time), every device looks quiet, and none is to blame.
 */
import type { HealthSample } from './health-sample';

export type TelemetryVerdict = 'unhealthy' | 'silent' | undefined;

export interface TelemetryVerdictInput {
  sample: HealthSample | undefined;
  targetVersion: string;
  /** When the device's batch was sent (hub clock). */
  dispatchedAt: string;
  /** The newest enqueued time the pipeline has stored; undefined when nothing has arrived. */
  progress: string | undefined;
  silenceTimeoutMs: number;
}

export function telemetryVerdict(input: TelemetryVerdictInput): TelemetryVerdict {
  const { sample, progress, silenceTimeoutMs } = input;
  if (!sample) return undefined; // a device without health telemetry is judged on its twin reports alone
  const received = toMs(sample.receivedAt, 'receivedAt');
  const dispatched = toMs(input.dispatchedAt, 'dispatchedAt');
  if (!sample.healthy && sample.version === input.targetVersion && received >= dispatched) return 'unhealthy';
  if (progress === undefined) return undefined;
  const wasSending = received >= dispatched - silenceTimeoutMs;
  const quietFor = toMs(progress, 'progress') - received;
  return wasSending && quietFor > silenceTimeoutMs ? 'silent' : undefined;
}

/** The window `findProblems` needs for a wave whose first batch went out at `firstDispatchAt`. */
export function quietWindow(firstDispatchAt: string, progress: string | undefined, silenceTimeoutMs: number): { aliveSince: string; quietBefore: string } | undefined {
  if (progress === undefined) return undefined;
  return {
    aliveSince: new Date(toMs(firstDispatchAt, 'firstDispatchAt') - silenceTimeoutMs).toISOString(),
    quietBefore: new Date(toMs(progress, 'progress') - silenceTimeoutMs).toISOString(),
  };
}

function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} '${iso}' is not an ISO 8601 date-time`);
  return ms;
}
