/**
 * One simulated device: its twin (tags, desired version, reported properties) and the install it is running.
 * A plain object with functions over it (no per-device closures or timers), so 100,000 devices stay small; an
 * install finishes lazily, when someone looks at the device at or after its finish time.
 */
import type { DeviceDetails, DeviceReport, InstallState } from '../../domain/fleet/device';
import type { InstalledUpdate } from '../../device-agent/verify-update';
import type { InstallOutcome } from './install-outcome';
import type { Delivery, PackageVerdict, VerifiedRelease } from './package-verdict';
import { toIso } from './timestamps';

export interface SimulatedDevice {
  readonly deviceId: string;
  /** Shared by every device of a profile group: never mutate. */
  readonly tags: Readonly<Record<string, string>>;
  installedVersion: string;
  /** Other software by update name; replaced, never mutated (profile groups share the initial object). */
  software: Readonly<Record<string, string>>;
  /** The component the last report is about, if the last command updated one (its version is reported). */
  reportedComponent: string | undefined;
  desiredVersion: string | undefined;
  /** The last reported properties. */
  state: InstallState;
  healthy: boolean;
  lastReportMs: number | undefined;
  commandId: string | undefined;
  error: string | undefined;
  /** Went silent for good after accepting a command: it never reports again. */
  offline: boolean;
  /** Every commandId the device accepted, oldest first. */
  commandIds: string[];
  pending: PendingInstall | undefined;
  /** How the last signed package arrived, or why it was refused. */
  lastDelivery: Delivery | undefined;
  /**
   * Release counters of verified installs by `name@version`. Keyed by version too, so a restore to an earlier
   * version brings back that version's counter (as swapping back to the other A/B slot would).
   */
  releaseCounters: Record<string, number> | undefined;
}

interface PendingInstall {
  commandId: string;
  version: string;
  finishMs: number;
  failed: boolean;
  unhealthy: boolean;
  /** Why it fails, when not a simulated failure (a refused package). */
  error: string | undefined;
  release: VerifiedRelease | undefined;
  component: string | undefined;
}

/** The report a device makes when an install ends. */
export interface FinishedInstall {
  commandId: string;
  state: 'succeeded' | 'failed';
  installedVersion: string;
  healthy: boolean;
  error?: string;
  /** A verified release that is now installed. */
  release?: VerifiedRelease;
  /** Set when the install was of a component (other software), not the main firmware. */
  component?: string;
  reportedMs: number;
}

export function newDevice(deviceId: string, tags: Readonly<Record<string, string>>, installedVersion: string, software: Readonly<Record<string, string>> = {}): SimulatedDevice {
  // Every field set here, in one order, so all devices share one hidden class.
  return {
    deviceId,
    tags,
    installedVersion,
    software,
    reportedComponent: undefined,
    desiredVersion: undefined,
    state: 'idle',
    healthy: true,
    lastReportMs: undefined,
    commandId: undefined,
    error: undefined,
    offline: false,
    commandIds: [],
    pending: undefined,
    lastDelivery: undefined,
    releaseCounters: undefined,
  };
}

/**
 * Records the command; a new command replaces an install still running (its result is never reported). A refused
 * package fails at once: nothing is installed, so neither install time nor simulated outcomes apply.
 */
export function acceptCommand(device: SimulatedDevice, commandId: string, version: string, atMs: number, outcome: InstallOutcome, verdict?: PackageVerdict, component?: string): void {
  device.commandIds.push(commandId);
  device.desiredVersion = version;
  device.pending = undefined;
  if (device.offline || outcome.offline) {
    device.offline = true;
    return;
  }
  const refused = verdict?.refused;
  device.pending = refused
    ? { commandId, version, finishMs: atMs, failed: true, unhealthy: false, error: refused, release: undefined, component }
    : { commandId, version, finishMs: atMs + outcome.installTimeMs, failed: outcome.failed, unhealthy: outcome.unhealthy, error: undefined, release: verdict?.release, component };
  if (verdict) device.lastDelivery = verdict.delivery;
  device.state = 'installing';
  device.commandId = commandId;
  device.error = undefined;
  device.lastReportMs = atMs;
}

/** The install's final report if it has finished by `nowMs`; does not change the device. */
export function finishedBy(device: SimulatedDevice, nowMs: number): FinishedInstall | undefined {
  const pending = device.pending;
  if (!pending || nowMs < pending.finishMs) return undefined;
  const component = pending.component ? { component: pending.component } : {};
  if (pending.failed) {
    return {
      commandId: pending.commandId,
      state: 'failed',
      installedVersion: pending.component ? (device.software[pending.component] ?? '') : device.installedVersion,
      ...component,
      healthy: device.healthy,
      error: pending.error ?? `installing ${pending.version} failed (simulated)`,
      reportedMs: pending.finishMs,
    };
  }
  return {
    commandId: pending.commandId,
    state: 'succeeded',
    installedVersion: pending.version,
    ...component,
    healthy: !pending.unhealthy,
    ...(pending.release ? { release: pending.release } : {}),
    reportedMs: pending.finishMs,
  };
}

/** Makes a finished install permanent (the installed version changes for good). */
export function applyFinished(device: SimulatedDevice, finished: FinishedInstall): void {
  if (device.pending?.commandId === finished.commandId) device.pending = undefined;
  device.state = finished.state;
  if (finished.component) device.software = { ...device.software, [finished.component]: finished.installedVersion };
  else device.installedVersion = finished.installedVersion;
  device.reportedComponent = finished.component;
  device.healthy = finished.healthy;
  device.error = finished.error;
  device.commandId = finished.commandId;
  device.lastReportMs = finished.reportedMs;
  if (finished.state === 'succeeded' && finished.release) {
    (device.releaseCounters ??= {})[counterKey(finished.release.updateName, finished.installedVersion)] = finished.release.releaseCounter;
  }
}

/**
 * What the device runs of `updateName`, as of `nowMs`, for the verifier. A version it never installed through a
 * verified package (the profile's initial one, or one a plain command installed) has release counter 0.
 */
export function installedUpdateAt(device: SimulatedDevice, updateName: string, nowMs: number): InstalledUpdate {
  const finished = finishedBy(device, nowMs);
  const isComponent = updateName in device.software;
  const finishedHere = finished && (finished.component === updateName || (!finished.component && !isComponent)) ? finished : undefined;
  const version = finishedHere?.installedVersion ?? (isComponent ? device.software[updateName]! : device.installedVersion);
  const release = finishedHere?.release?.updateName === updateName ? finishedHere.release : undefined;
  return { version, releaseCounter: release?.releaseCounter ?? device.releaseCounters?.[counterKey(updateName, version)] ?? 0 };
}

function counterKey(updateName: string, version: string): string {
  return `${updateName}@${version}`;
}

export function reportAt(device: SimulatedDevice, nowMs: number): DeviceReport {
  const finished = finishedBy(device, nowMs);
  const report: DeviceReport = {
    deviceId: device.deviceId,
    installedVersion: finished?.installedVersion ?? (device.reportedComponent ? device.software[device.reportedComponent]! : device.installedVersion),
    state: finished?.state ?? device.state,
    healthy: finished?.healthy ?? device.healthy,
    lastReportAt: isoOrUndefined(finished?.reportedMs ?? device.lastReportMs),
  };
  const commandId = finished?.commandId ?? device.commandId;
  const error = finished ? finished.error : device.error;
  if (commandId !== undefined) report.commandId = commandId;
  if (error !== undefined) report.error = error;
  return report;
}

export function detailsAt(device: SimulatedDevice, nowMs: number): DeviceDetails {
  const { state, healthy, lastReportAt } = reportAt(device, nowMs);
  const details: DeviceDetails = {
    deviceId: device.deviceId, tags: { ...device.tags }, installedVersion: installedVersionAt(device, nowMs), software: softwareAt(device, nowMs),
    state, healthy, lastReportAt, desiredVersion: device.desiredVersion, acceptedCommands: [...device.commandIds],
  };
  if (device.lastDelivery) details.lastDelivery = { ...device.lastDelivery };
  return details;
}

function isoOrUndefined(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : toIso(ms);
}

/** The main firmware version as of `nowMs`. */
export function installedVersionAt(device: SimulatedDevice, nowMs: number): string {
  const finished = finishedBy(device, nowMs);
  return finished && !finished.component ? finished.installedVersion : device.installedVersion;
}

/** The other software as of `nowMs`. */
export function softwareAt(device: SimulatedDevice, nowMs: number): Record<string, string> {
  const finished = finishedBy(device, nowMs);
  return finished?.component && finished.state === 'succeeded' ? { ...device.software, [finished.component]: finished.installedVersion } : { ...device.software };
}
