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
  /** The update's provider (Device Update style identity); sent to the device with name and version. */
  provider?: string;
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
  /**
   * Per manifest file: the package-store path of the full file and of each delta (by base version), with the sizes and
   * base64 SHA-256 hashes of the manifest (a device checks a download before it looks further). No path: a container
   * image, pulled from its registry.
   */
  files: PackageFile[];
}

export interface PackageFile {
  fileName: string;
  path?: string;
  sizeInBytes: number;
  sha256: string;
  deltas: { baseVersion: string; path: string; sizeInBytes: number; sha256: string }[];
}

/** Narrows a report read to the devices a command was sent to (a hub answers that with one query per page). */
/** Which commands the devices were sent: lets the hub read just those devices' reports, a page per 1000 devices. */
export interface ReportScope {
  commandIds: string[];
}

/** What the caller knows of a batch: never sent before, so no device can carry its command yet (no need to look). */
export interface DispatchHint {
  firstSend?: boolean;
}

export interface FleetPort {
  queryDevices(target: DeviceTarget): Promise<DeviceSummary[]>;
  /** Sets the desired version on each device; a device that already has this commandId is left alone. */
  applyDesired(commands: { deviceId: string; desired: DesiredVersion }[], at: string, hint?: DispatchHint): Promise<{ sent: number; alreadyApplied: number }>;
  /**
   * The latest report of each of `deviceIds` that has reported anything. With a scope, only devices whose desired
   * command is `scope.commandId` are read (the ids must all have been sent that command).
   */
  readReports(deviceIds: readonly string[], at: string, scope?: ReportScope): Promise<DeviceReport[]>;
  getDevice(deviceId: string): Promise<DeviceDetails | undefined>;
  /** One page of devices whose tags and installed version match every given filter (one hub query page per call). */
  listDevices(filter: DeviceFilter, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }>;
  /**
   * As listDevices, but reads only what a summary holds (id, tags, installed version, software) rather than whole
   * twins: what reports fold over, page by page, however large the fleet.
   */
  listDeviceSummaries(filter: DeviceFilter, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }>;
}

/** Exact matches on the tags operators filter by, and on the installed version. */
export interface DeviceFilter {
  site?: string;
  model?: string;
  version?: string;
}

export class InvalidTargetQueryError extends Error {
  override name = 'InvalidTargetQueryError';
}

/**
 * The fleet cannot be reached for now (the hub fails or throttles beyond retrying). The message is meant to be shown as
 * the rollout's reason for waiting; `retryAfterMs` is when trying again makes sense.
 */
export class FleetUnavailableError extends Error {
  override name = 'FleetUnavailableError';

  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
