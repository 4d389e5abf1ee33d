/**
 * Compliance: for each update in scope, how long devices stayed exposed after it was imported, and which still are.
 *
 * Rules (also stated in the report):
 * - Scope: the latest registered version of each update (provider/name). The service does not record which updates
 *   are security fixes, so every latest version is treated as one.
 * - Eligible: compatible devices that run an older version of that update name now (exposed), or did before a
 *   rollout of it installed it (rolled-out devices' `fromVersion`). Devices that already ran it are never exposed.
 * - Updated: eligible devices running the version now whose install a rollout confirmed (batch state `succeeded`),
 *   dated by that confirmation, so within one health-check interval of the install.
 * - The 95 % / 100 % milestone is the confirmation time of the device that took the share there; null until then.
 */
import type { DeviceSummary } from '../fleet/device';
import type { BatchDevice } from '../rollouts/rollout-record';
import { isCompatible, type Update, type UpdateId } from '../updates/update';
import { compareSemver, isSemver } from '../semver';
import { byDeviceId } from './device-order';
import { elapsedMs, isoDuration } from './elapsed';
import type { ReportDocument } from './report-document';
import { isOlder, versionRunning } from './versions';

export const complianceRules = [
  'Scope: the latest registered version of each update (provider/name); the service does not record which updates are security fixes, so every latest version is treated as one.',
  'Import time: the manifest provenance (importedAt) of an imported update, else its registration time.',
  'Eligible devices: compatible devices that run an older version of the update name now, or did before a rollout of this version installed it.',
  'Updated: eligible devices that run the version now and whose install a rollout confirmed; dated by the confirmation (within one health-check interval).',
  'Exposure window: from import to the confirmation that brought updated devices to 95 % and 100 % of the eligible ones; null until reached.',
];

export const milestonePercents = [95, 100] as const;

export interface Milestone {
  percent: (typeof milestonePercents)[number];
  /** Updated devices the milestone needs (the share of the eligible ones, rounded up). */
  devicesNeeded: number;
  reachedAt: string | null;
  /** The exposure window: from import to `reachedAt`. */
  afterMs: number | null;
  after: string | null;
}

export type ExposureState = 'noEligibleDevices' | 'exposed' | 'reached95' | 'reached100';

export interface UpdateExposure {
  updateId: UpdateId;
  importedAt: string;
  importedAtSource: 'provenance' | 'registration';
  rolloutIds: string[];
  eligible: number;
  updated: number;
  /** Eligible devices running the version whose install no rollout has confirmed yet (not exposed, not yet counted). */
  unconfirmed: number;
  exposed: { count: number; deviceIds: string[]; capped: boolean };
  milestones: Milestone[];
  state: ExposureState;
}

export interface ComplianceReport {
  generatedAt: string;
  rules: string[];
  updates: UpdateExposure[];
}

/** The latest version of each provider/name: by semantic version, by registration time when versions are not semantic. */
export function latestPerName(updates: readonly Update[]): Update[] {
  const latest = new Map<string, Update>();
  for (const update of updates) {
    const key = `${update.updateId.provider}/${update.updateId.name}`;
    const current = latest.get(key);
    if (!current || isNewer(update, current)) latest.set(key, update);
  }
  return [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, update]) => update);
}

function isNewer(a: Update, b: Update): boolean {
  const [va, vb] = [a.updateId.version, b.updateId.version];
  if (isSemver(va) && isSemver(vb)) return compareSemver(va, vb) > 0;
  if (isSemver(va) !== isSemver(vb)) return isSemver(va);
  return Date.parse(a.createdAt) > Date.parse(b.createdAt);
}

export interface ExposureInput {
  update: Update;
  /** The whole fleet as it is now. */
  devices: readonly DeviceSummary[];
  /** Rollouts of exactly this update, with their batches' devices. */
  rollouts: readonly { id: string; devices: readonly BatchDevice[] }[];
  /** At most this many exposed device ids are listed. */
  listLimit: number;
}

export function exposureOf(input: ExposureInput): UpdateExposure {
  const { update, listLimit } = input;
  const { name, version } = update.updateId;
  const importedAt = update.manifest?.provenance.importedAt;

  // Per device: did a rollout of this update take it from an older version, and when was its install confirmed?
  const rolledOut = new Map<string, { confirmedAt: string | undefined }>();
  for (const rollout of input.rollouts) {
    for (const d of rollout.devices) {
      if (!isOlder(d.fromVersion, version)) continue;
      const seen = rolledOut.get(d.deviceId) ?? { confirmedAt: undefined };
      if (d.state === 'succeeded' && (seen.confirmedAt === undefined || Date.parse(d.updatedAt) < Date.parse(seen.confirmedAt))) seen.confirmedAt = d.updatedAt;
      rolledOut.set(d.deviceId, seen);
    }
  }

  const exposed: string[] = [];
  const confirmations: string[] = [];
  let unconfirmed = 0;
  for (const device of input.devices) {
    if (!isCompatible(device.tags, update.compatibility)) continue;
    if (isOlder(versionRunning(device, name), version)) {
      exposed.push(device.deviceId);
      continue;
    }
    const record = rolledOut.get(device.deviceId);
    if (!record) continue; // ran it (or newer) without a rollout of ours: never exposed
    if (record.confirmedAt) confirmations.push(record.confirmedAt);
    else unconfirmed++;
  }

  const eligible = exposed.length + confirmations.length + unconfirmed;
  const since = importedAt ?? update.createdAt;
  const milestones = reachedMilestones(since, eligible, confirmations);
  exposed.sort(byDeviceId);
  return {
    updateId: update.updateId,
    importedAt: since,
    importedAtSource: importedAt ? 'provenance' : 'registration',
    rolloutIds: input.rollouts.map((r) => r.id),
    eligible,
    updated: confirmations.length,
    unconfirmed,
    exposed: { count: exposed.length, deviceIds: exposed.slice(0, listLimit), capped: exposed.length > listLimit },
    milestones,
    state: exposureState(eligible, milestones),
  };
}

function exposureState(eligible: number, milestones: readonly Milestone[]): ExposureState {
  const reached = (percent: number) => milestones.some((m) => m.percent === percent && m.reachedAt !== null);
  if (eligible === 0) return 'noEligibleDevices';
  return reached(100) ? 'reached100' : reached(95) ? 'reached95' : 'exposed';
}

/** For each milestone, the confirmation time of the device that reached it (the n-th earliest). */
export function reachedMilestones(since: string, eligible: number, confirmations: readonly string[]): Milestone[] {
  const ordered = [...confirmations].sort((a, b) => Date.parse(a) - Date.parse(b));
  return milestonePercents.map((percent) => {
    // Integer arithmetic first, so 95 % of 20 is exactly 19.
    const devicesNeeded = Math.ceil((eligible * percent) / 100);
    const reachedAt = devicesNeeded > 0 ? (ordered[devicesNeeded - 1] ?? null) : null;
    const afterMs = reachedAt === null ? null : elapsedMs(since, reachedAt);
    return { percent, devicesNeeded, reachedAt, afterMs, after: afterMs === null ? null : isoDuration(afterMs) };
  });
}

export function buildComplianceReport(input: { exposures: UpdateExposure[]; generatedAt: string }): ComplianceReport {
  return { generatedAt: input.generatedAt, rules: [...complianceRules], updates: input.exposures };
}

export function complianceDocument(report: ComplianceReport): ReportDocument {
  const milestone = (u: UpdateExposure, percent: number) => u.milestones.find((m) => m.percent === percent);
  const cappedLists = report.updates.filter((u) => u.exposed.capped);
  return {
    title: 'Compliance: exposure windows',
    generatedAt: report.generatedAt,
    facts: [
      { label: 'Updates in scope', value: report.updates.length },
      { label: 'Devices still exposed', value: report.updates.reduce((total, u) => total + u.exposed.count, 0) },
    ],
    notes: report.rules,
    tables: [
      {
        name: 'updates', title: 'Updates',
        columns: [
          { key: 'provider', label: 'Provider' }, { key: 'name', label: 'Update' }, { key: 'version', label: 'Version' },
          { key: 'importedAt', label: 'Imported' }, { key: 'importedAtSource', label: 'Import time from' },
          { key: 'eligible', label: 'Eligible', numeric: true }, { key: 'updated', label: 'Updated', numeric: true },
          { key: 'unconfirmed', label: 'Unconfirmed', numeric: true }, { key: 'exposed', label: 'Exposed', numeric: true },
          { key: 'reached95At', label: '95 % at' }, { key: 'after95', label: 'Window to 95 %' },
          { key: 'reached100At', label: '100 % at' }, { key: 'after100', label: 'Window to 100 %' },
          { key: 'state', label: 'State' }, { key: 'rollouts', label: 'Rollouts' },
        ],
        rows: report.updates.map((u) => ({
          ...u.updateId,
          importedAt: u.importedAt, importedAtSource: u.importedAtSource,
          eligible: u.eligible, updated: u.updated, unconfirmed: u.unconfirmed, exposed: u.exposed.count,
          reached95At: milestone(u, 95)?.reachedAt ?? null, after95: milestone(u, 95)?.after ?? null,
          reached100At: milestone(u, 100)?.reachedAt ?? null, after100: milestone(u, 100)?.after ?? null,
          state: u.state, rollouts: u.rolloutIds.join(' '),
        })),
      },
      {
        name: 'exposed', title: 'Devices still exposed',
        columns: [{ key: 'provider', label: 'Provider' }, { key: 'name', label: 'Update' }, { key: 'version', label: 'Version' }, { key: 'deviceId', label: 'Device' }],
        rows: report.updates.flatMap((u) => u.exposed.deviceIds.map((deviceId) => ({ ...u.updateId, deviceId }))),
        ...(cappedLists.length ? {
          note: cappedLists.map((u) => `${u.updateId.name} ${u.updateId.version}: first ${u.exposed.deviceIds.length} of ${u.exposed.count} listed`).join('; '),
        } : {}),
      },
    ],
  };
}
