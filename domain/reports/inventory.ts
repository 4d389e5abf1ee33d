/**
 * Inventory: which devices run which version, optionally filtered by site, model and version. The filter becomes
 * a twin query, so the fleet (IoT Hub) does the selecting; this module checks the values, builds the query and
 * tallies what comes back.
 */
import type { DeviceSummary } from '../fleet/device';
import type { ReportDocument, ReportTable } from './report-document';
import { byDeviceId } from './device-order';
import { newestFirst } from './versions';

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

export interface InventoryReport {
  generatedAt: string;
  filter: InventoryFilter;
  query: string;
  deviceCount: number;
  byVersion: VersionCount[];
  byModel: { model: string | null; devices: number; byVersion: VersionCount[] }[];
  bySite: { site: string | null; devices: number; byVersion: VersionCount[] }[];
  devices: InventoryDevice[];
}

export function buildInventory(input: { devices: readonly DeviceSummary[]; filter: InventoryFilter; generatedAt: string }): InventoryReport {
  const devices = input.devices
    .map((d): InventoryDevice => ({
      deviceId: d.deviceId,
      site: d.tags.site ?? null,
      model: d.tags.model ?? null,
      installedVersion: d.installedVersion,
      software: { ...(d.software ?? {}) },
    }))
    .sort((a, b) => byDeviceId(a.deviceId, b.deviceId));
  return {
    generatedAt: input.generatedAt,
    filter: { ...input.filter },
    query: inventoryQuery(input.filter),
    deviceCount: devices.length,
    byVersion: countVersions(devices),
    byModel: groupBy(devices, (d) => d.model).map(([model, group]) => ({ model, devices: group.length, byVersion: countVersions(group) })),
    bySite: groupBy(devices, (d) => d.site).map(([site, group]) => ({ site, devices: group.length, byVersion: countVersions(group) })),
    devices,
  };
}

function countVersions(devices: readonly InventoryDevice[]): VersionCount[] {
  return groupBy(devices, (d) => d.installedVersion)
    .map(([version, group]) => ({ version, devices: group.length }))
    .sort((a, b) => newestFirst(a.version, b.version));
}

/** Groups in key order (text; devices without the tag last). */
function groupBy<K extends string | null>(devices: readonly InventoryDevice[], key: (d: InventoryDevice) => K): [K, InventoryDevice[]][] {
  const groups = new Map<K, InventoryDevice[]>();
  for (const device of devices) {
    const group = groups.get(key(device));
    if (group) group.push(device);
    else groups.set(key(device), [device]);
  }
  return [...groups].sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : byDeviceId(a, b)));
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
      },
      {
        name: 'versions', title: 'Devices by version',
        columns: [{ key: 'version', label: 'Version' }, { key: 'devices', label: 'Devices', numeric: true }],
        rows: report.byVersion.map((v) => ({ ...v })),
      },
      breakdown('models', 'Devices by model and version', 'model', report.byModel.map((g) => ({ value: g.model, byVersion: g.byVersion }))),
      breakdown('sites', 'Devices by site and version', 'site', report.bySite.map((g) => ({ value: g.site, byVersion: g.byVersion }))),
    ],
  };
}
