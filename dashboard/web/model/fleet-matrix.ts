/** The fleet overview's table: for each site and model, how many devices run each version. */
import type { InventoryReport } from '../../../domain/reports/inventory';
import { newestFirst } from '../../../domain/reports/versions';

export interface FleetRow {
  site: string | null;
  model: string | null;
  devices: number;
  /** Devices per version; a version the group does not run is absent. */
  byVersion: Record<string, number>;
}

export interface FleetMatrix {
  deviceCount: number;
  /** Every version some device runs, newest first: the table's columns. */
  versions: string[];
  /** By site, then model; devices without the tag last. */
  rows: FleetRow[];
}

/** From the inventory's groups (every device counted once), not its device list, which stops at a limit. */
export function fleetMatrix(inventory: Pick<InventoryReport, 'groups' | 'deviceCount'>): FleetMatrix {
  const rows = new Map<string, FleetRow>();
  const versions = new Set<string>();
  for (const group of inventory.groups) {
    const key = JSON.stringify([group.site, group.model]);
    const row = rows.get(key) ?? { site: group.site, model: group.model, devices: 0, byVersion: {} };
    row.devices += group.devices;
    row.byVersion[group.version] = (row.byVersion[group.version] ?? 0) + group.devices;
    versions.add(group.version);
    rows.set(key, row);
  }
  return {
    deviceCount: inventory.deviceCount,
    versions: [...versions].sort(newestFirst),
    rows: [...rows.values()].sort((a, b) => byTag(a.site, b.site) || byTag(a.model, b.model)),
  };
}

function byTag(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
