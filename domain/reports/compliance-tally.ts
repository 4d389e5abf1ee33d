/**
 * The compliance report as folds over pages (rules in compliance.ts): the latest version of each update out of pages
 * of updates, then per update in scope its rollouts' batches one at a time, then the fleet a page at a time.
 *
 * What is held per update: the devices its rollouts took from an older version (an id and a confirmation time each,
 * dropped as the fleet pass meets them) and the confirmation times of updated devices (the milestones need the n-th
 * earliest). Never a fleet of twins or a rollout's batches at once.
 */
import type { DeviceSummary } from '../fleet/device';
import type { BatchDevice } from '../rollouts/rollout-record';
import { compareSemver, isSemver } from '../semver';
import { isCompatible, type Update } from '../updates/update';
import type { ExposedGroup, UpdateExposure } from './compliance';
import { FirstById } from './first-by-id';
import { deviceListPath } from './inventory-tally';
import { parseInventoryFilter } from './inventory';
import { exposureState, reachedMilestones } from './milestones';
import { isOlder, newestFirst, versionRunning } from './versions';

/** The latest version of each provider/name out of any number of pages of updates. */
export class LatestPerName {
  private readonly latest = new Map<string, Update>();

  add(updates: readonly Update[]): this {
    for (const update of updates) {
      const key = `${update.updateId.provider}/${update.updateId.name}`;
      const current = this.latest.get(key);
      if (!current || isNewer(update, current)) this.latest.set(key, update);
    }
    return this;
  }

  /** By provider/name. */
  list(): Update[] {
    return [...this.latest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, update]) => update);
  }
}

/** By semantic version; by registration time when versions are not semantic (then below semantic ones). */
function isNewer(a: Update, b: Update): boolean {
  const [va, vb] = [a.updateId.version, b.updateId.version];
  if (isSemver(va) && isSemver(vb)) return compareSemver(va, vb) > 0;
  if (isSemver(va) !== isSemver(vb)) return isSemver(va);
  return Date.parse(a.createdAt) > Date.parse(b.createdAt);
}

/** One update's exposure: feed every rollout device first, then every device of the fleet. */
export class ExposureTally {
  /** Devices a rollout of this update took from an older version: the earliest confirmation, or '' for none yet. */
  private readonly rolledOut = new Map<string, string>();
  private readonly exposed: FirstById<string>;
  /** Per compatibility set (its index) and running version: how many, and whether that version is all their firmware. */
  private readonly exposedGroups = new Map<string, { set: number; version: string; devices: number; firmware: boolean }>();
  private readonly confirmations: string[] = [];
  private unconfirmed = 0;
  private fleetStarted = false;

  constructor(
    readonly update: Update,
    listLimit: number,
  ) {
    this.exposed = new FirstById(listLimit, (id) => id);
  }

  /** Devices of one batch (of any rollout of exactly this update). */
  addRolloutDevices(devices: readonly BatchDevice[]): void {
    if (this.fleetStarted) throw new Error('rollout devices must all be added before the fleet');
    const { version } = this.update.updateId;
    for (const d of devices) {
      if (!isOlder(d.fromVersion, version)) continue;
      const seen = this.rolledOut.get(d.deviceId) ?? '';
      const confirmedEarlier = seen !== '' && Date.parse(seen) <= Date.parse(d.updatedAt);
      this.rolledOut.set(d.deviceId, d.state === 'succeeded' && !confirmedEarlier ? d.updatedAt : seen);
    }
  }

  /** A page of the fleet as it is now; each device once over all pages. */
  addFleetDevices(devices: readonly DeviceSummary[]): void {
    this.fleetStarted = true;
    const { name, version } = this.update.updateId;
    for (const device of devices) {
      if (!isCompatible(device.tags, this.update.compatibility)) continue;
      const running = versionRunning(device, name);
      if (isOlder(running, version)) {
        this.exposed.add(device.deviceId);
        this.countExposed(device, running);
        continue;
      }
      const confirmedAt = this.rolledOut.get(device.deviceId);
      if (confirmedAt === undefined) continue; // ran it (or newer) without a rollout of ours: never exposed
      this.rolledOut.delete(device.deviceId);
      if (confirmedAt !== '') this.confirmations.push(confirmedAt);
      else this.unconfirmed++;
    }
  }

  private countExposed(device: DeviceSummary, running: string): void {
    const set = this.update.compatibility.findIndex((s) => isCompatible(device.tags, [s]));
    const key = `${set}\n${running}`;
    // The device list filters on the installed (firmware) version: a group whose devices run the update as their
    // firmware can point to it; one running it as a component (another firmware version) cannot.
    const firmware = running === device.installedVersion;
    const group = this.exposedGroups.get(key);
    if (group) {
      group.devices++;
      group.firmware &&= firmware;
    } else {
      this.exposedGroups.set(key, { set, version: running, devices: 1, firmware });
    }
  }

  /** By compatibility set, newest version first. */
  private groups(): ExposedGroup[] {
    return [...this.exposedGroups.values()]
      .sort((a, b) => a.set - b.set || newestFirst(a.version, b.version))
      .map(({ set, version, devices, firmware }) => {
        const compatibility = { ...this.update.compatibility[set] };
        return { compatibility, version, devices, list: firmware ? listOf(compatibility, version) : null };
      });
  }

  result(rolloutIds: readonly string[]): UpdateExposure {
    const { update } = this;
    const importedAt = update.manifest?.provenance.importedAt;
    const eligible = this.exposed.count + this.confirmations.length + this.unconfirmed;
    const since = importedAt ?? update.createdAt;
    const milestones = reachedMilestones(since, eligible, this.confirmations);
    return {
      updateId: update.updateId,
      importedAt: since,
      importedAtSource: importedAt ? 'provenance' : 'registration',
      rolloutIds: [...rolloutIds],
      eligible,
      updated: this.confirmations.length,
      unconfirmed: this.unconfirmed,
      exposed: { count: this.exposed.count, deviceIds: this.exposed.list(), capped: this.exposed.capped },
      exposedGroups: this.groups(),
      milestones,
      state: exposureState(eligible, milestones),
    };
  }
}

/** GET /api/devices filtered to a set's tags and a version, when the set has only site and model and the list accepts the values. */
function listOf(set: Readonly<Record<string, string>>, version: string): string | null {
  if (!Object.keys(set).every((key) => key === 'site' || key === 'model')) return null;
  const parsed = parseInventoryFilter({ site: set.site, model: set.model, version });
  return parsed.ok ? deviceListPath(parsed.filter) : null;
}
