/**
 * Port: how rollouts reach devices. Shaped after IoT Hub: a query over twins (tags), a desired-property patch
 * applied to a set of devices (a job), and reported properties read back. `at` is the orchestration's time: a real
 * hub ignores it (devices report on their own); the simulated fleet uses it so devices follow the durable clock.
 */
import type { DeviceDetails, DeviceReport, DeviceSummary } from './device';

/** Target of a rollout: an IoT Hub-style twin query (`tags.site = 'plant-a' AND tags.model = 'ctl-a'`) or ids. */
export type DeviceTarget = { query: string } | { deviceIds: string[] };

export interface DesiredVersion {
  /** Idempotency key: the same command delivered twice reaches a device once. */
  commandId: string;
  rolloutId: string;
  updateName: string;
  version: string;
  /** install = the rollout's update; restore = compensating roll back to the device's previous version. */
  kind: 'install' | 'restore';
  /** The signed package of an imported update: the device verifies it before installing; absent for hand-registered ones. */
  package?: PackageDelivery;
}

/** What a device needs to verify and fetch a signed update: the manifest JWS and where files and deltas are. */
export interface PackageDelivery {
  signedManifest: string;
  /** Per manifest file: the package-store path of the full file and of each delta (by base version). */
  files: { fileName: string; path?: string; deltas: { baseVersion: string; path: string }[] }[];
}

export interface FleetPort {
  queryDevices(target: DeviceTarget): Promise<DeviceSummary[]>;
  /** Sets the desired version on each device; a device that already has this commandId is left alone. */
  applyDesired(commands: { deviceId: string; desired: DesiredVersion }[], at: string): Promise<{ sent: number; alreadyApplied: number }>;
  readReports(deviceIds: readonly string[], at: string): Promise<DeviceReport[]>;
  getDevice(deviceId: string): Promise<DeviceDetails | undefined>;
}

export class InvalidTargetQueryError extends Error {
  override name = 'InvalidTargetQueryError';
}
