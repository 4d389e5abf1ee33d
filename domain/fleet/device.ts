/** Devices as the rollout sees them: IoT Hub twin tags plus what the device reports about its updates. */
export interface DeviceSummary {
  deviceId: string;
  /** Twin tags, e.g. `{ site: 'plant-a', model: 'ctl-a' }`. */
  tags: Record<string, string>;
  installedVersion: string;
  /** Versions of other software the device runs, by update name (what prerequisites are checked against). */
  software?: Record<string, string>;
}

/**
 * What a device reports about its update agent. Documented values; stored, never renamed:
 * - idle: no command pending; `installedVersion` is current
 * - downloading: a command was accepted and its package is being fetched
 * - installing: a command was received and is being applied
 * - succeeded / failed: the last command finished (failed leaves the previous version installed)
 */
export type InstallState = 'idle' | 'downloading' | 'installing' | 'succeeded' | 'failed';

export interface DeviceReport {
  deviceId: string;
  installedVersion: string;
  state: InstallState;
  /** Health telemetry after the last install: false when the device reports itself unhealthy. */
  healthy: boolean;
  /** When the device last reported anything; a device past the rollout's device timeout counts as silent. */
  lastReportAt: string | undefined;
  /** The command the report answers, if any. */
  commandId?: string;
  error?: string;
}

export interface DeviceDetails extends DeviceSummary {
  state: InstallState;
  healthy: boolean;
  lastReportAt: string | undefined;
  /** The version the current desired command asks for, and that command's id. */
  desiredVersion: string | undefined;
  desiredCommandId?: string;
  /** The command the device's latest report answers (equal to `desiredCommandId` once the device has taken it). */
  commandId?: string;
  /** The device's last failure, as `code: message`. */
  error?: string;
  /** How the last signed package reached the device, or why the device refused it. */
  lastDelivery?: { kind: 'delta' | 'full' | 'refused'; bytes: number; detail?: string };
}
