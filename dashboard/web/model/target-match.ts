/**
 * How many devices a target would reach, where the page can tell cheaply: from the fleet inventory it already
 * reads, for a list of device ids or a query that only compares site, model and installed version with `=` joined
 * by AND. Any other query is IoT Hub's to evaluate: the page then says so rather than guess.
 */
import type { InventoryDevice } from '../../../domain/reports/inventory';

export type TargetMatch =
  | { kind: 'counted'; devices: number }
  | { kind: 'ids'; listed: number; known: number }
  | { kind: 'not-counted' };

const fields = {
  'tags.site': (d: InventoryDevice) => d.site,
  'tags.model': (d: InventoryDevice) => d.model,
  'properties.reported.ota.installedVersion': (d: InventoryDevice) => d.installedVersion,
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

export function queryMatch(query: string, devices: readonly InventoryDevice[]): TargetMatch {
  const clauses = simpleQuery(query);
  if (!clauses) return { kind: 'not-counted' };
  return { kind: 'counted', devices: devices.filter((d) => clauses.every((c) => fields[c.field](d) === c.value)).length };
}

export function idsMatch(ids: readonly string[], devices: readonly InventoryDevice[]): TargetMatch {
  const unique = new Set(ids);
  const known = devices.filter((d) => unique.has(d.deviceId)).length;
  return { kind: 'ids', listed: unique.size, known };
}
