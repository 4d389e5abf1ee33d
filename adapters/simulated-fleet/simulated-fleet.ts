/**
 * A simulated device fleet behind the FleetPort, in place of IoT Hub for `npm start` and the tests.
 *
 * Time is the caller's: each call's `at` (the orchestration's durable clock) is "now", so devices follow virtual
 * or accelerated time; calls without `at` use the latest `at` seen. With a state file every change is journaled
 * in the same step as it is made and replayed on construction, so devices survive a restart. With a package source
 * devices verify signed packages before installing them, as a real device agent would (see package-verifier).
 */
import type { DeviceDetails, DeviceReport, DeviceSummary } from '../../domain/fleet/device';
import type { DesiredVersion, DeviceTarget, FleetPort } from '../../domain/fleet/fleet-port';
import { FleetJournal, type FleetChange } from './fleet-journal';
import { deviceIdOf, loadFleetProfile, type FleetProfile } from './fleet-profile';
import { installOutcome } from './install-outcome';
import { PackageVerifier, type PackageSource } from './package-verifier';
import type { PackageVerdict } from './package-verdict';
import {
  acceptCommand,
  applyFinished,
  detailsAt,
  finishedBy,
  installedUpdateAt,
  installedVersionAt,
  softwareAt,
  newDevice,
  reportAt,
  type SimulatedDevice,
} from './simulated-device';
import { toIso, toMs } from './timestamps';
import { parseTwinQuery } from './twin-query';

export interface SimulatedFleetOptions {
  /** JSONL file that keeps the fleet's state across restarts; without it the fleet lives in memory only. */
  stateFile?: string;
  /** Trust anchors and package bytes: with them devices refuse signed packages that do not verify. */
  packages?: PackageSource;
}

export class SimulatedFleet implements FleetPort {
  private readonly devices = new Map<string, SimulatedDevice>();
  private readonly journal: FleetJournal | undefined;
  private readonly verifier: PackageVerifier | undefined;
  private latestMs = Number.NEGATIVE_INFINITY;
  private turn: Promise<unknown> = Promise.resolve();

  static fromProfileFile(profilePath: string, options: SimulatedFleetOptions = {}): SimulatedFleet {
    return new SimulatedFleet(loadFleetProfile(profilePath), options);
  }

  constructor(
    private readonly profile: FleetProfile,
    options: SimulatedFleetOptions = {},
  ) {
    this.journal = options.stateFile === undefined ? undefined : new FleetJournal(options.stateFile);
    this.verifier = options.packages && new PackageVerifier(options.packages);
    this.load();
  }

  get size(): number {
    return this.devices.size;
  }

  async queryDevices(target: DeviceTarget): Promise<DeviceSummary[]> {
    if ('deviceIds' in target) {
      return [...new Set(target.deviceIds)].flatMap((id) => {
        const device = this.devices.get(id);
        return device ? [this.summary(device)] : [];
      });
    }
    const matches = parseTwinQuery(target.query);
    const found: DeviceSummary[] = [];
    for (const device of this.devices.values()) {
      const { deviceId, tags } = device;
      if (matches({ deviceId, tags, installedVersion: installedVersionAt(device, this.latestMs) })) found.push(this.summary(device));
    }
    return found;
  }

  async applyDesired(commands: { deviceId: string; desired: DesiredVersion }[], at: string): Promise<{ sent: number; alreadyApplied: number }> {
    const now = this.observe(at);
    return this.inTurn(async () => {
      const verdicts = await this.packageVerdicts(commands, now, at);
      const changes: FleetChange[] = [];
      let sent = 0;
      let alreadyApplied = 0;
      for (const [index, { deviceId, desired }] of commands.entries()) {
        const device = this.devices.get(deviceId);
        if (!device) continue;
        if (device.commandIds.includes(desired.commandId)) {
          alreadyApplied++;
          continue;
        }
        // An install that finished before this command keeps its result instead of being replaced.
        this.finishInstall(device, now, changes);
        const { commandId, version, kind } = desired;
        const verdict = verdicts.get(index);
        const component = desired.updateName in device.software ? { component: desired.updateName } : {};
        this.record(changes, { type: 'accepted', deviceId, commandId, version, kind, ...component, ...(verdict ? { package: verdict } : {}), at: toIso(now) });
        sent++;
      }
      this.commit(changes);
      return { sent, alreadyApplied };
    });
  }

  async readReports(deviceIds: readonly string[], at: string): Promise<DeviceReport[]> {
    const now = this.observe(at);
    return this.inTurn(async () => {
      const changes: FleetChange[] = [];
      const reports: DeviceReport[] = [];
      for (const id of deviceIds) {
        const device = this.devices.get(id);
        if (!device) continue;
        this.finishInstall(device, now, changes);
        reports.push(reportAt(device, now));
      }
      this.commit(changes);
      return reports;
    });
  }

  async getDevice(deviceId: string): Promise<DeviceDetails | undefined> {
    const device = this.devices.get(deviceId);
    return device && detailsAt(device, this.latestMs);
  }

  /** The commandIds a device accepted, oldest first (for tests: "no device got a command twice"). */
  commandsReceived(deviceId: string): string[] {
    return [...(this.devices.get(deviceId)?.commandIds ?? [])];
  }

  private summary(device: SimulatedDevice): DeviceSummary {
    return { deviceId: device.deviceId, tags: { ...device.tags }, installedVersion: installedVersionAt(device, this.latestMs), software: softwareAt(device, this.latestMs) };
  }

  /**
   * Verdicts on the signed packages of the commands devices are about to accept, by command index. Taken before any
   * device changes, in the device's state as of `now` (what finishInstall will make it), since only this waits.
   */
  private async packageVerdicts(commands: readonly { deviceId: string; desired: DesiredVersion }[], now: number, at: string): Promise<Map<number, PackageVerdict>> {
    const verdicts = new Map<number, PackageVerdict>();
    if (!this.verifier) return verdicts;
    const indexes: number[] = [];
    const requests: { desired: DesiredVersion; device: SimulatedDevice }[] = [];
    for (const [index, { deviceId, desired }] of commands.entries()) {
      const device = this.devices.get(deviceId);
      if (!device || !desired.package || device.commandIds.includes(desired.commandId)) continue;
      indexes.push(index);
      requests.push({ desired, device });
    }
    if (requests.length === 0) return verdicts;
    const found = await this.verifier.verdicts(requests, (device, updateName) => installedUpdateAt(device, updateName, now), at, (device) => softwareAt(device, now));
    found.forEach((verdict, position) => {
      if (verdict) verdicts.set(indexes[position]!, verdict);
    });
    return verdicts;
  }

  /** Verifying packages waits on downloads: calls that change devices take turns, so none sees another's half. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private observe(at: string): number {
    const ms = toMs(at);
    if (Number.isNaN(ms)) throw new RangeError(`'${at}' is not an ISO 8601 timestamp`);
    this.latestMs = Math.max(this.latestMs, ms);
    return ms;
  }

  private finishInstall(device: SimulatedDevice, now: number, changes: FleetChange[]): void {
    const finished = finishedBy(device, now);
    if (!finished) return;
    const { reportedMs, ...report } = finished;
    this.record(changes, {
      type: 'finished',
      deviceId: device.deviceId,
      ...report,
      reportedAt: toIso(reportedMs),
      at: toIso(now),
    });
  }

  /** Changes are applied as they are made (a later one may depend on an earlier one) and journaled together. */
  private record(changes: FleetChange[], change: FleetChange): void {
    this.apply(change);
    changes.push(change);
  }

  private commit(changes: readonly FleetChange[]): void {
    if (!this.journal || changes.length === 0) return;
    try {
      this.journal.append(changes);
    } catch (error) {
      // The file is the truth: forget the unwritten changes so the caller's retry makes them again.
      this.load();
      throw error;
    }
  }

  private apply(change: FleetChange): void {
    const device = this.devices.get(change.deviceId);
    const atMs = toMs(change.at);
    this.latestMs = Math.max(this.latestMs, atMs);
    if (!device) return; // a device removed from the profile since the journal was written
    if (change.type === 'accepted') {
      const outcome = installOutcome(this.profile, device.deviceId, device.tags, change.version);
      acceptCommand(device, change.commandId, change.version, atMs, outcome, change.package, change.component);
    } else {
      const { type: _type, deviceId: _deviceId, at: _at, reportedAt, ...report } = change;
      applyFinished(device, { ...report, reportedMs: toMs(reportedAt) });
    }
  }

  private load(): void {
    this.devices.clear();
    this.latestMs = Number.NEGATIVE_INFINITY;
    for (const group of this.profile.devices) {
      const tags = Object.freeze({ ...group.tags });
      const software = Object.freeze({ ...group.software });
      for (let index = 0; index < group.count; index++) {
        const deviceId = deviceIdOf(group, index);
        this.devices.set(deviceId, newDevice(deviceId, tags, group.installedVersion, software));
      }
    }
    for (const change of this.journal?.readAll() ?? []) this.apply(change);
  }
}
