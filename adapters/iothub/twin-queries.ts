/**
 * Twin queries: the SQL this adapter sends, and paging through their results. Pages are fetched by passing the
 * continuation token explicitly (a bare `query.next()` re-fetches page 1 forever, docs/azure-facts.md), and an
 * empty token ends the paging as an absent one does.
 */
import type { Registry } from 'azure-iothub';
import type { HubCaller } from './hub-caller';

/** Rows per page: the most IoT Hub returns, so a query (the scarcest quota: S1 20/min) covers 1000 devices. */
export const defaultPageSize = 1000;

/** IoT Hub refuses longer query texts (and job query conditions). */
export const maxQueryBytes = 8192;

/**
 * A string literal for a twin query. The query language has no escape for a quote, so values containing one
 * cannot be queried for: callers read or write those devices one by one.
 */
export function literal(value: string): string {
  if (!isQuotable(value)) throw new Error(`'${value}' cannot be written as a twin query string`);
  return `'${value}'`;
}

export function isQuotable(value: string): boolean {
  return !value.includes("'");
}

/** `deviceId IN ['a', 'b']` */
export function deviceIdIn(deviceIds: readonly string[]): string {
  return `deviceId IN [${deviceIds.map(literal).join(', ')}]`;
}

/** Devices whose desired command is `commandId` (what a dispatch wrote). */
export function desiredCommandIs(commandId: string): string {
  return `properties.desired.ota.command.id = ${literal(commandId)}`;
}

/** `properties.desired.ota.command.id IN [...]` conditions, each short enough for a query (8 KB with room to spare). */
export function desiredCommandIn(commandIds: readonly string[]): string[] {
  const conditions: string[] = [];
  let chunk: string[] = [];
  let length = 0;
  const flush = () => {
    if (chunk.length > 0) conditions.push(`properties.desired.ota.command.id IN [${chunk.join(', ')}]`);
    chunk = [];
    length = 0;
  };
  for (const id of new Set(commandIds)) {
    const quoted = literal(id);
    if (length + quoted.length + 2 > maxQueryBytes - 512) flush();
    chunk.push(quoted);
    length += quoted.length + 2;
  }
  flush();
  return conditions;
}

/**
 * `deviceId IN [...]` conditions over `deviceIds`, each with at most `maxIds` ids and short enough that
 * `statement(condition)` stays within the hub's query size (ids are up to 128 characters).
 */
export function idConditions(deviceIds: readonly string[], maxIds: number, statement: (condition: string) => string): { deviceIds: string[]; condition: string }[] {
  const room = maxQueryBytes - Buffer.byteLength(statement(deviceIdIn([])));
  const result: { deviceIds: string[]; condition: string }[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const id of deviceIds) {
    const size = Buffer.byteLength(literal(id)) + 2; // quotes counted by literal, plus ", "
    if (current.length > 0 && (current.length >= maxIds || bytes + size > room)) {
      result.push({ deviceIds: current, condition: deviceIdIn(current) });
      current = [];
      bytes = 0;
    }
    current.push(id);
    bytes += size;
  }
  if (current.length > 0) result.push({ deviceIds: current, condition: deviceIdIn(current) });
  return result;
}

/** One page of a query: its rows and the token of the next page (absent on the last). */
export async function queryPage(caller: HubCaller, registry: Registry, sql: string, pageSize: number, token?: string): Promise<{ rows: unknown[]; continuationToken?: string }> {
  const query = registry.createQuery(sql, pageSize);
  const page = await caller.call('query', () => (token === undefined ? query.next() : query.next(token)));
  const next = page.message.headers['x-ms-continuation'];
  return { rows: Array.isArray(page.result) ? (page.result as unknown[]) : [], ...(typeof next === 'string' && next !== '' ? { continuationToken: next } : {}) };
}

/** Runs a query to its last page, each page one paced, retried call. */
export async function queryAll(caller: HubCaller, registry: Registry, sql: string, pageSize = defaultPageSize): Promise<unknown[]> {
  const query = registry.createQuery(sql, pageSize);
  const rows: unknown[] = [];
  let token: string | undefined;
  do {
    const page = await caller.call('query', () => (token === undefined ? query.next() : query.next(token)));
    if (Array.isArray(page.result)) rows.push(...(page.result as unknown[]));
    const next = page.message.headers['x-ms-continuation'];
    token = typeof next === 'string' && next !== '' ? next : undefined;
  } while (token !== undefined);
  return rows;
}
