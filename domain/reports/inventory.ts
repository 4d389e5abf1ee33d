/**
 * Inventory: which devices run which version, optionally filtered by site, model and version. The filter becomes
 * a twin query, so the fleet (IoT Hub) does the selecting; this module checks the values, builds the query and
 * tallies what comes back.
 */
import type { DeviceSummary } from '../fleet/device';
import type { ReportDocument, ReportTable } from './report-document';
import { deviceListPath, InventoryTally } from './inventory-tally';

export interface InventoryFilter {
  site?: string;
  model?: string;
  version?: string;
}

export const inventoryFilterFields = ['site', 'model', 'version'] as const;

/** Where each filter looks in the twin. */
const twinField: Record<keyof InventoryFilter, string> = {
  site: 'tags.site',
  model: 'tags.model',
  version: 'properties.reported.ota.installedVersion',
};

// Twin-query strings are single-quoted with no escape for a quote, so unsafe characters are refused, not escaped.
const unsafe = /['\\\p{Cc}]/u;
const maxLength = 128;

/** The filter from query parameters (empty means no filter), or the fields that are wrong. */
export function parseInventoryFilter(params: Partial<Record<keyof InventoryFilter, string | undefined>>):
  { ok: true; filter: InventoryFilter } | { ok: false; errors: { field: string; message: string }[] } {
  const filter: InventoryFilter = {};
  const errors: { field: string; message: string }[] = [];
  for (const field of inventoryFilterFields) {
    const value = params[field];
    if (value === undefined || value === '') continue;
    const message = unsafe.test(value) ? 'must not contain quotes, backslashes or control characters'
      : value.length > maxLength ? `must be at most ${maxLength} characters`
        : value.trim() !== value ? 'must not start or end with a space'
          : undefined;
    if (message) errors.push({ field, message });
    else filter[field] = value;
  }
  return errors.length ? { ok: false, errors } : { ok: true, filter };
}

/** The twin query selecting the filtered devices; every device when the filter is empty. */
export function inventoryQuery(filter: InventoryFilter): string {
  const conditions = inventoryFilterFields.flatMap((field) => {
    const value = filter[field];
    return value === undefined ? [] : [`${twinField[field]} = ${quoted(value)}`];
  });
  return conditions.length ? `SELECT * FROM devices WHERE ${conditions.join(' AND ')}` : 'SELECT * FROM devices';
}

function quoted(value: string): string {
  // parseInventoryFilter refuses these; checked again so no caller can build an injectable query.
  if (unsafe.test(value)) throw new RangeError(`unsafe value in a twin query: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

export interface InventoryDevice {
  deviceId: string;
  site: string | null;
  model: string | null;
  installedVersion: string;
  /** Other software by update name (e.g. a bootloader). */
  software: Record<string, string>;
}

export interface VersionCount {
  version: string;
  devices: number;
}

/** Devices of one site and model running one version: the inventory's unit of counting. */
export interface InventoryGroup {
  site: string | null;
  model: string | null;
  version: string;
  devices: number;
}

export interface InventoryReport {
  generatedAt: string;
  filter: InventoryFilter;
  query: string;
  deviceCount: number;
  byVersion: VersionCount[];
  byModel: { model: string | null; devices: number; byVersion: VersionCount[] }[];
  bySite: { site: string | null; devices: number; byVersion: VersionCount[] }[];
  /** Per site, model and version (by site, then model, newest version first): every device counted once. */
  groups: InventoryGroup[];
  /** The first `deviceList.limit` devices by id; `deviceList.capped` when there are more (`deviceCount` has them all). */
  devices: InventoryDevice[];
  deviceList: {
    limit: number;
    listed: number;
    capped: boolean;
    /** The paged device list with the same filter (GET, follow `continuationToken`): every device. */
    all: string;
  };
}

/** The report from a tally that has seen every device the filter selects. */
export function inventoryReport(tally: InventoryTally, filter: InventoryFilter, generatedAt: string): InventoryReport {
  const { listed, ...totals } = tally.totals();
  return {
    generatedAt,
    filter: { ...filter },
    query: inventoryQuery(filter),
    ...totals,
    deviceList: { limit: listed.limit, listed: totals.devices.length, capped: listed.capped, all: deviceListPath(filter) },
  };
}

/** The report over devices in hand (every one listed unless `listLimit` says otherwise). */
export function buildInventory(input: { devices: readonly DeviceSummary[]; filter: InventoryFilter; generatedAt: string; listLimit?: number }): InventoryReport {
  const tally = new InventoryTally(input.listLimit ?? Number.POSITIVE_INFINITY);
  tally.add(input.devices);
  return inventoryReport(tally, input.filter, input.generatedAt);
}

/** `bootloader=1.2.0;tools=3.0.0`: one CSV field for the software map. */
export function softwareText(software: Readonly<Record<string, string>>): string {
  return Object.keys(software).sort().map((name) => `${name}=${software[name]}`).join(';');
}

export function inventoryDocument(report: InventoryReport): ReportDocument {
  const filter = inventoryFilterFields.map((field) => `${field} = ${report.filter[field] ?? 'any'}`).join(', ');
  const breakdown = (name: string, title: string, key: 'model' | 'site', groups: { value: string | null; byVersion: VersionCount[] }[]): ReportTable => ({
    name, title,
    columns: [{ key, label: key === 'model' ? 'Model' : 'Site' }, { key: 'version', label: 'Version' }, { key: 'devices', label: 'Devices', numeric: true }],
    rows: groups.flatMap((group) => group.byVersion.map((v) => ({ [key]: group.value, version: v.version, devices: v.devices }))),
  });
  return {
    title: 'Device inventory',
    generatedAt: report.generatedAt,
    facts: [{ label: 'Filter', value: filter }, { label: 'Devices', value: report.deviceCount }],
    notes: [],
    tables: [
      {
        name: 'devices', title: 'Devices',
        columns: [
          { key: 'deviceId', label: 'Device' }, { key: 'site', label: 'Site' }, { key: 'model', label: 'Model' },
          { key: 'installedVersion', label: 'Installed version' }, { key: 'software', label: 'Other software' },
        ],
        rows: report.devices.map((d) => ({ ...d, software: softwareText(d.software) })),
        ...(report.deviceList.capped ? {
          note: `First ${report.deviceList.listed} of ${report.deviceCount} devices by id; GET ${report.deviceList.all} lists every device, a page at a time.`,
        } : {}),
      },
      {
        name: 'versions', title: 'Devices by version',
        columns: [{ key: 'version', label: 'Version' }, { key: 'devices', label: 'Devices', numeric: true }],
        rows: report.byVersion.map((v) => ({ ...v })),
      },
      breakdown('models', 'Devices by model and version', 'model', report.byModel.map((g) => ({ value: g.model, byVersion: g.byVersion }))),
      breakdown('sites', 'Devices by site and version', 'site', report.bySite.map((g) => ({ value: g.site, byVersion: g.byVersion }))),
      {
        name: 'groups', title: 'Devices by site, model and version',
        columns: [{ key: 'site', label: 'Site' }, { key: 'model', label: 'Model' }, { key: 'version', label: 'Version' }, { key: 'devices', label: 'Devices', numeric: true }],
        rows: report.groups.map((g) => ({ ...g })),
      },
    ],
  };
}
