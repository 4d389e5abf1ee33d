/**
 * Queries: `POST /devices/query` (`FROM devices` over twins, `FROM devices.jobs` over per-device job records) and
 * `GET /jobs/v2/query`, paged by `x-ms-max-item-count` (default 100, at most 1000) and `x-ms-continuation`; the
 * reply carries a continuation only while another page exists, and `x-ms-item-type` (Twin, DeviceJob,
 * JobResponse or Raw for projections and aggregates).
 */
import { isObject, type HubState, type Json, type JsonObject, type TwinState } from '../hub-state';
import type { HubJobs } from '../jobs';
import { compileQuery, type CompiledQuery } from '../query';
import { twinJson, twinRow } from '../twin-json';
import { badRequest } from './errors';
import { arrayCursor, scanCursor, type Page, type QueryCursors, type StoredCursor } from './query-cursors';
import type { RestReply, RestRequest, Route } from './types';

const defaultPageSize = 100;
const maxPageSize = 1000;

export function queryRoutes(state: HubState, jobs: HubJobs, cursors: QueryCursors): Route[] {
  return [
    {
      method: 'POST', path: '/devices/query', permissions: ['RegistryRead', 'ServiceConnect'], quota: 'queries',
      handle: async (request) => {
        const body = request.body;
        if (!isObject(body as Json) || typeof (body as JsonObject).query !== 'string') throw badRequest('the body must be {"query": "<SQL>"}');
        const sql = (body as { query: string }).query;
        state.settle(); // virtual devices report what is due by now
        const token = header(request, 'x-ms-continuation');
        const start = token ? { token } : { open: openQuery(state, jobs, compileQuery(sql), /^\s*select\s+\*\s/i.test(sql)) };
        return reply(await cursors.page(start, sql, pageSize(request)));
      },
    },
    {
      method: 'GET', path: '/jobs/v2/query', permissions: ['ServiceConnect', 'RegistryRead'], quota: 'jobOperations',
      handle: async (request) => {
        const type = request.query.get('jobType') ?? undefined;
        const status = request.query.get('jobStatus') ?? undefined;
        const key = `jobs?type=${type ?? ''}&status=${status ?? ''}`;
        const token = header(request, 'x-ms-continuation');
        const start = token ? { token } : { open: { cursor: arrayCursor(jobs.list({ type, status })), itemType: 'JobResponse' } };
        return reply(await cursors.page(start, key, pageSize(request)));
      },
    },
  ];
}

function openQuery(state: HubState, jobs: HubJobs, query: CompiledQuery, selectStar: boolean): StoredCursor {
  if (query.from === 'devices.jobs') {
    if (query.aggregate) return { cursor: arrayCursor(query.run(jobs.deviceJobRows())), itemType: 'Raw' };
    return { cursor: scanCursor(jobs.deviceJobRows(), (row) => query.project(row)), itemType: selectStar ? 'DeviceJob' : 'Raw' };
  }
  const rowOf = (twin: TwinState) => twinRow(twin, state.identities.get(twin.deviceId), state);
  if (query.aggregate) {
    const rows = (function* () {
      for (const twin of state.twins.values()) yield rowOf(twin);
    })();
    return { cursor: arrayCursor(query.run(rows)), itemType: 'Raw' };
  }
  // Conditions run on the light row; only the page's results are built as full twins.
  const select = (twin: TwinState): Json | undefined => {
    if (query.project(rowOf(twin)) === undefined) return undefined;
    const full = twinJson(twin, state.identities.get(twin.deviceId), state);
    return selectStar ? full : query.project(full);
  };
  return { cursor: scanCursor(state.twins.values(), select), itemType: selectStar ? 'Twin' : 'Raw' };
}

function reply(page: Page): RestReply {
  const headers: Record<string, string> = { 'x-ms-item-type': page.itemType };
  if (page.continuation) headers['x-ms-continuation'] = page.continuation;
  return { status: 200, body: page.items, headers };
}

function pageSize(request: RestRequest): number {
  const value = header(request, 'x-ms-max-item-count');
  if (value === undefined || value === '') return defaultPageSize;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw badRequest(`x-ms-max-item-count must be a positive integer, not ${value}`);
  return Math.min(size, maxPageSize);
}

function header(request: RestRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
