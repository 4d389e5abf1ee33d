/** What a device's latest report means for the rollout that sent it a command (one of DeviceRolloutState). */
import type { DeviceReport } from '../fleet/device';
import type { DeviceRolloutState } from './rollout-status';

export interface ClassifyDeviceInput {
  report: DeviceReport | undefined;
  targetVersion: string;
  /** When the command was sent to the device's batch. */
  dispatchedAt: string;
  now: string;
  deviceTimeoutMs: number;
}

/** Never 'pending' or 'restored': those are the orchestration's to set, not the device's to report. */
export function classifyDevice(input: ClassifyDeviceInput): DeviceRolloutState {
  const { report, targetVersion, deviceTimeoutMs } = input;
  const dispatchedAt = toMs(input.dispatchedAt, 'dispatchedAt');
  const now = toMs(input.now, 'now');
  const reportedAt = report?.lastReportAt === undefined ? undefined : toMs(report.lastReportAt, 'lastReportAt');

  // 'idle' on the target counts too: a device already on it has nothing to install and may never say 'succeeded'.
  if (report && (report.state === 'succeeded' || report.state === 'idle') && report.installedVersion === targetVersion) {
    return report.healthy ? 'succeeded' : 'unhealthy';
  }
  // A failure reported before the command was sent answers an earlier command, not ours.
  if (report?.state === 'failed' && reportedAt !== undefined && reportedAt >= dispatchedAt) return 'failed';

  // Still waiting. An installing device has until the timeout after its last word (at the earliest the dispatch);
  // any other device has until the timeout after the dispatch to show it acted on the command.
  const working = report?.state === 'installing' || report?.state === 'downloading';
  const since = working && reportedAt !== undefined ? Math.max(reportedAt, dispatchedAt) : dispatchedAt;
  return now - since > deviceTimeoutMs ? 'silent' : 'dispatched';
}

function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} '${iso}' is not an ISO 8601 date-time`);
  return ms;
}
