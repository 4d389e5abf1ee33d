/**
 * Whether a device is verifiably back on the version it ran before a rollout: its report must answer the restore
 * command and name the previous version. A report naming the restore command's id answers it whatever the device's
 * clock says; a report without a command id counts only if made after the restore was sent (an old report proves
 * nothing about a device that went silent).
 */
import type { DeviceReport } from '../fleet/device';

export interface RestoreCheckInput {
  report: DeviceReport | undefined;
  fromVersion: string;
  restoreCommandId: string;
  /** When the restore command was sent (service clock). */
  restoredSince: string;
}

export function isRestored({ report, fromVersion, restoreCommandId, restoredSince }: RestoreCheckInput): boolean {
  if (!report || report.installedVersion !== fromVersion || report.state === 'failed') return false;
  if (report.commandId !== undefined) return report.commandId === restoreCommandId && report.state !== 'downloading' && report.state !== 'installing';
  return report.lastReportAt !== undefined && Date.parse(report.lastReportAt) >= Date.parse(restoredSince);
}
