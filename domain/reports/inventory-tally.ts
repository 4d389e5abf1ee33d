/**
 * The inventory as a fold over pages of devices: counts per distinct (site, model, version), never per device, and
 * the first devices by id for the report's device table (capped: the rest is a paged GET /api/devices away).
 */
import type { DeviceSummary } from '../fleet/device';
import { FirstById } from './first-by-id';
import { byDeviceId } from './device-order';
import { newestFirst } from './versions';
import type { InventoryDevice, InventoryFilter, InventoryGroup, InventoryReport, VersionCount } from './inventory';

/** Devices listed in an inventory report; the counts always cover every device. */
export const inventoryListLimit = 1000;

export class InventoryTally {
  private readonly groups = new Map<string, InventoryGroup>();
  private readonly listed: FirstById<InventoryDevice>;

  constructor(listLimit = inventoryListLimit) {
    this.listed = new FirstById(listLimit, (d) => d.deviceId);
  }

  add(devices: readonly DeviceSummary[]): void {
    for (const d of devices) {
      const device = inventoryDevice(d);
      const key = JSON.stringify([device.site, device.model, device.installedVersion]);
      const group = this.groups.get(key);
      if (group) group.devices++;
      else this.groups.set(key, { site: device.site, model: device.model, version: device.installedVersion, devices: 1 });
      this.listed.add(device);
    }
  }

  /** Everything of the report the devices decide (inventory.ts adds the filter, its query and the time). */
  totals(): InventoryTotals {
    const groups = [...this.groups.values()].sort((a, b) => byTag(a.site, b.site) || byTag(a.model, b.model) || newestFirst(a.version, b.version));
    const devices = this.listed.list();
    return {
      deviceCount: this.listed.count,
      byVersion: versionCounts(groups),
      byModel: breakdown(groups, (g) => g.model).map(([model, of]) => ({ model, devices: total(of), byVersion: versionCounts(of) })),
      bySite: breakdown(groups, (g) => g.site).map(([site, of]) => ({ site, devices: total(of), byVersion: versionCounts(of) })),
      groups: groups.map((g) => ({ ...g })),
      devices,
      listed: { limit: this.listed.limit, capped: this.listed.capped },
    };
  }
}

export type InventoryTotals = Omit<InventoryReport, 'generatedAt' | 'filter' | 'query' | 'deviceList'> & { listed: { limit: number; capped: boolean } };

export function inventoryDevice(d: DeviceSummary): InventoryDevice {
  return { deviceId: d.deviceId, site: d.tags.site ?? null, model: d.tags.model ?? null, installedVersion: d.installedVersion, software: { ...(d.software ?? {}) } };
}

/** The paged device list with the same filter: where every device of the report is listed. */
export function deviceListPath(filter: InventoryFilter): string {
  const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
  return `/api/devices${query ? `?${query}` : ''}`;
}

function total(groups: readonly InventoryGroup[]): number {
  return groups.reduce((sum, g) => sum + g.devices, 0);
}

function versionCounts(groups: readonly InventoryGroup[]): VersionCount[] {
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(g.version, (counts.get(g.version) ?? 0) + g.devices);
  return [...counts].map(([version, devices]) => ({ version, devices })).sort((a, b) => newestFirst(a.version, b.version));
}

/** Groups by a tag, in tag order (devices without the tag last). */
function breakdown<K extends string | null>(groups: readonly InventoryGroup[], key: (g: InventoryGroup) => K): [K, InventoryGroup[]][] {
  const by = new Map<K, InventoryGroup[]>();
  for (const g of groups) {
    const of = by.get(key(g));
    if (of) of.push(g);
    else by.set(key(g), [g]);
  }
  return [...by].sort(([a], [b]) => byTag(a, b));
}

function byTag(a: string | null, b: string | null): number {
  return a === b ? 0 : a === null ? 1 : b === null ? -1 : byDeviceId(a, b);
}
