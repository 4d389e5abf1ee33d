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
  /**
   * The id of the command the device was sent. A report that names it answers this command whatever the device's
   * clock says (device clocks drift, and the service's runs ahead under virtual time); one naming another id
   * answers an earlier command. Reports without a command id are placed by their time.
   */
  commandId?: string;
}

/** Never 'pending' or 'restored': those are the orchestration's to set, not the device's to report. */
export function classifyDevice(input: ClassifyDeviceInput): DeviceRolloutState {
  const { report, targetVersion, deviceTimeoutMs } = input;
  const dispatchedAt = toMs(input.dispatchedAt, 'dispatchedAt');
  const now = toMs(input.now, 'now');
  const reportedAt = report?.lastReportAt === undefined ? undefined : toMs(report.lastReportAt, 'lastReportAt');
  const answers = report?.commandId !== undefined && input.commandId !== undefined ? report.commandId === input.commandId : undefined;

  // 'idle' on the target counts too: a device already on it has nothing to install and may never say 'succeeded'.
  if (report && (report.state === 'succeeded' || report.state === 'idle') && report.installedVersion === targetVersion) {
    return report.healthy ? 'succeeded' : 'unhealthy';
  }
  // A failure reported before the command was sent answers an earlier command, not ours.
  if (report?.state === 'failed' && (answers ?? (reportedAt !== undefined && reportedAt >= dispatchedAt))) return 'failed';

  // Still waiting. An installing device has until the timeout after its last word (at the earliest the dispatch);
  // any other device has until the timeout after the dispatch to show it acted on the command.
  const working = (report?.state === 'installing' || report?.state === 'downloading') && answers !== false;
  const since = working && reportedAt !== undefined ? Math.max(reportedAt, dispatchedAt) : dispatchedAt;
  return now - since > deviceTimeoutMs ? 'silent' : 'dispatched';
}

function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} '${iso}' is not an ISO 8601 date-time`);
  return ms;
}
