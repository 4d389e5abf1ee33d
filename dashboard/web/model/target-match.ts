/**
 * How many devices a target would reach, where the page can tell cheaply: from the fleet inventory it already
 * reads (its groups count every device; its device list stops at a limit), for a list of device ids or a query that only compares site, model and installed version with `=` joined
 * by AND. Any other query is IoT Hub's to evaluate: the page then says so rather than guess.
 */
import type { InventoryReport } from '../../../domain/reports/inventory';

export type FleetCounts = Pick<InventoryReport, 'groups' | 'devices' | 'deviceList'>;

export type TargetMatch =
  | { kind: 'counted'; devices: number }
  /** `known`: how many the inventory lists; undefined when its device list stopped at its limit. */
  | { kind: 'ids'; listed: number; known: number | undefined }
  | { kind: 'not-counted' };

type Group = InventoryReport['groups'][number];
const fields = {
  'tags.site': (g: Group) => g.site,
  'tags.model': (g: Group) => g.model,
  'properties.reported.ota.installedVersion': (g: Group) => g.version,
} as const;
type Field = keyof typeof fields;

const clause = /^\s*(tags\.site|tags\.model|properties\.reported\.ota\.installedVersion)\s*=\s*'([^']*)'\s*$/;

/** The `field = 'value'` pairs of a simple query, or undefined for anything else. */
export function simpleQuery(query: string): { field: Field; value: string }[] | undefined {
  if (!query.trim()) return undefined;
  const parts = query.split(/\s+AND\s+/i).map((part) => clause.exec(part));
  if (parts.some((m) => !m)) return undefined;
  return parts.map((m) => ({ field: m![1] as Field, value: m![2]! }));
}

export function queryMatch(query: string, fleet: Pick<FleetCounts, 'groups'>): TargetMatch {
  const clauses = simpleQuery(query);
  if (!clauses) return { kind: 'not-counted' };
  const matching = fleet.groups.filter((g) => clauses.every((c) => fields[c.field](g) === c.value));
  return { kind: 'counted', devices: matching.reduce((n, g) => n + g.devices, 0) };
}

export function idsMatch(ids: readonly string[], fleet: Pick<FleetCounts, 'devices' | 'deviceList'>): TargetMatch {
  const unique = new Set(ids);
  if (fleet.deviceList.capped) return { kind: 'ids', listed: unique.size, known: undefined };
  const known = fleet.devices.filter((d) => unique.has(d.deviceId)).length;
  return { kind: 'ids', listed: unique.size, known };
}
