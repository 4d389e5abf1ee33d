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
 * - installing: a command was received and is being applied
 * - succeeded / failed: the last command finished (failed leaves the previous version installed)
 */
export type InstallState = 'idle' | 'installing' | 'succeeded' | 'failed';

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
  desiredVersion: string | undefined;
  /** Ids of the commands the device accepted, oldest first (each command reaches a device once). */
  acceptedCommands: string[];
  /** How the last signed package reached the device, or why the device refused it. */
  lastDelivery?: { kind: 'delta' | 'full' | 'refused'; bytes: number; detail?: string };
}
