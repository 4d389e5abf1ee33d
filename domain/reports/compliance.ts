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
import type { Update, UpdateId } from '../updates/update';
import { ExposureTally, LatestPerName } from './compliance-tally';
import type { ExposureState, Milestone } from './milestones';
import type { ReportDocument } from './report-document';

export { milestonePercents, reachedMilestones, type ExposureState, type Milestone } from './milestones';

export const complianceRules = [
  'Scope: the latest registered version of each update (provider/name); the service does not record which updates are security fixes, so every latest version is treated as one.',
  'Import time: the manifest provenance (importedAt) of an imported update, else its registration time.',
  'Eligible devices: compatible devices that run an older version of the update name now, or did before a rollout of this version installed it.',
  'Updated: eligible devices that run the version now and whose install a rollout confirmed; dated by the confirmation (within one health-check interval).',
  'Exposure window: from import to the confirmation that brought updated devices to 95 % and 100 % of the eligible ones; null until reached.',
];

export interface UpdateExposure {
  updateId: UpdateId;
  importedAt: string;
  importedAtSource: 'provenance' | 'registration';
  rolloutIds: string[];
  eligible: number;
  updated: number;
  /** Eligible devices running the version whose install no rollout has confirmed yet (not exposed, not yet counted). */
  unconfirmed: number;
  /** Every exposed device counted; the first by id listed (at most the report's `exposedListLimit`). */
  exposed: { count: number; deviceIds: string[]; capped: boolean };
  /** The exposed devices by compatibility set and the version they run, each with where all of them are listed. */
  exposedGroups: ExposedGroup[];
  milestones: Milestone[];
  state: ExposureState;
}

export interface ExposedGroup {
  /** The compatibility set the devices match (the first, for a device matching several). */
  compatibility: Record<string, string>;
  /** The version of the update's name they run. */
  version: string;
  devices: number;
  /**
   * The paged device list (GET, follow `continuationToken`) of the set's devices whose firmware runs this version,
   * when it can select them: a set of site and model tags, and the update is these devices' firmware (the version
   * they run is their installed version, not a software component's). Null otherwise.
   */
  list: string | null;
}

export interface ComplianceReport {
  generatedAt: string;
  rules: string[];
  /** At most this many exposed device ids are listed per update. */
  exposedListLimit?: number;
  updates: UpdateExposure[];
}

/** The latest version of each provider/name: by semantic version, by registration time when versions are not semantic. */
export function latestPerName(updates: readonly Update[]): Update[] {
  return new LatestPerName().add(updates).list();
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

/** The exposure over devices in hand (the API folds pages into an ExposureTally instead). */
export function exposureOf(input: ExposureInput): UpdateExposure {
  const tally = new ExposureTally(input.update, input.listLimit);
  for (const rollout of input.rollouts) tally.addRolloutDevices(rollout.devices);
  tally.addFleetDevices(input.devices);
  return tally.result(input.rollouts.map((r) => r.id));
}

export function buildComplianceReport(input: { exposures: UpdateExposure[]; generatedAt: string; exposedListLimit?: number }): ComplianceReport {
  return {
    generatedAt: input.generatedAt, rules: [...complianceRules],
    ...(input.exposedListLimit !== undefined ? { exposedListLimit: input.exposedListLimit } : {}),
    updates: input.exposures,
  };
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
          note: `${cappedLists.map((u) => `${u.updateId.name} ${u.updateId.version}: first ${u.exposed.deviceIds.length} of ${u.exposed.count} listed`).join('; ')}; the exposedGroups table says where each group is listed in full.`,
        } : {}),
      },
      {
        name: 'exposedGroups', title: 'Devices still exposed, by compatibility and version',
        columns: [
          { key: 'provider', label: 'Provider' }, { key: 'name', label: 'Update' }, { key: 'version', label: 'Version' },
          { key: 'compatibility', label: 'Compatibility' }, { key: 'running', label: 'Running' },
          { key: 'devices', label: 'Devices', numeric: true }, { key: 'list', label: 'Listed at' },
        ],
        rows: report.updates.flatMap((u) => u.exposedGroups.map((g) => ({
          ...u.updateId,
          compatibility: Object.entries(g.compatibility).map(([key, value]) => `${key}=${value}`).join(';'),
          running: g.version, devices: g.devices, list: g.list,
        }))),
      },
    ],
  };
}
