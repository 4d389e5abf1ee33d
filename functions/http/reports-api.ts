/**
 * Reports: GET /api/inventory, GET /api/reports/rollouts/{id}, GET /api/reports/compliance. Each handler reads what
 * its report needs through the ports a page at a time (devices through a projection of the few fields a report uses,
 * a rollout's batches one by one), lets domain/reports fold the pages into tallies, and renders the report as JSON
 * (the report object), CSV (one table, `?table=` picks which) or a printable HTML page. No request holds a fleet, a
 * list of rollouts or a rollout's batches at once; device lists inside a report are capped and say so.
 *
 * CSV is not streamed: without `enableHttpStream` @azure/functions buffers a stream body into one RPC message, and
 * the local host (devhost/) speaks only that RPC (no HTTP proxy), so a capped table is what a download gets.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { DeviceSummary } from '../../domain/fleet/device';
import type { DeviceFilter, FleetPort } from '../../domain/fleet/fleet-port';
import type { RolloutStore, RolloutSummary, UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { buildComplianceReport, complianceDocument, type UpdateExposure } from '../../domain/reports/compliance';
import { ExposureTally, LatestPerName } from '../../domain/reports/compliance-tally';
import { toCsv } from '../../domain/reports/csv';
import { toHtml } from '../../domain/reports/html';
import { inventoryDocument, inventoryReport, parseInventoryFilter } from '../../domain/reports/inventory';
import { InventoryTally } from '../../domain/reports/inventory-tally';
import { forEachPage, pageRequest } from '../../domain/reports/pages';
import type { ReportDocument } from '../../domain/reports/report-document';
import { buildRolloutReport, rolloutReportDocument } from '../../domain/reports/rollout-report';
import { updateKey, type Update } from '../../domain/updates/update';
import { problem } from './problem';

const formats = ['json', 'csv', 'html'] as const;
type Format = (typeof formats)[number];

/** Exposed device ids listed per update; the count is always complete. */
const exposedListLimit = 100;
/** Devices per fleet read: the most one IoT Hub query page returns. */
const fleetPageSize = 1000;
/** Updates and rollout summaries per store read. */
const storePageSize = 100;
/** Batches read at once while folding a rollout's devices. */
const batchReads = 4;

interface Rendering {
  format: Format;
  table: string | undefined;
}

/** `format` and `table` from the query string, or the 400 naming the bad one. */
function renderingOf(request: HttpRequest): Rendering | HttpResponseInit {
  const format = (request.query.get('format') || 'json').toLowerCase();
  if (!(formats as readonly string[]).includes(format)) {
    return problem(400, 'Invalid request', `format must be one of ${formats.join(', ')}.`, [{ field: 'format', message: `unknown format '${format}'` }]);
  }
  return { format: format as Format, table: request.query.get('table') || undefined };
}

/** The report in the asked format; `fileName` names the CSV download. */
function render(rendering: Rendering, report: object, document: ReportDocument, fileName: string): HttpResponseInit {
  const table = rendering.table === undefined ? document.tables[0] : document.tables.find((t) => t.name === rendering.table);
  if (!table) {
    const names = document.tables.map((t) => t.name).join(', ');
    return problem(400, 'Invalid request', `table must be one of ${names}.`, [{ field: 'table', message: `unknown table '${rendering.table}'` }]);
  }
  switch (rendering.format) {
    case 'json':
      return { status: 200, jsonBody: report };
    case 'csv':
      return {
        status: 200,
        // A capped table's note (how many rows of how many, where the rest are) travels with the download.
        headers: { ...csvHeaders(fileName, table.name), ...(table.note ? { 'X-Report-Note': table.note.replace(/[^\x20-\x7e]/g, '?') } : {}) },
        body: toCsv(table),
      };
    case 'html':
      return {
        status: 200,
        // Self-contained page: inline styles only, nothing may load or run.
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'", 'X-Content-Type-Options': 'nosniff' },
        body: toHtml(document),
      };
  }
}

function csvHeaders(fileName: string, tableName: string): Record<string, string> {
  return { 'Content-Type': 'text/csv; charset=utf-8; header=present', 'Content-Disposition': `attachment; filename="${safeFileName(`${fileName}-${tableName}`)}.csv"` };
}

function safeFileName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

type ReportsDeps = { fleet: FleetPort; rollouts: RolloutStore; updates: UpdateStore; now: () => Date };

/** Every device the filter selects, a projected page at a time. */
function forEachDevicePage(deps: ReportsDeps, filter: DeviceFilter, visit: (devices: DeviceSummary[]) => void): Promise<number> {
  return forEachPage((token) => deps.fleet.listDeviceSummaries(filter, pageRequest(fleetPageSize, token)), visit);
}

/** The exposure of each latest update: its rollouts' batches one at a time, then one pass over the fleet for all. */
async function exposures(deps: ReportsDeps): Promise<UpdateExposure[]> {
  const latest = new LatestPerName();
  await forEachPage((token) => deps.updates.listPage({}, pageRequest(storePageSize, token)), (updates) => {
    latest.add(updates);
  });
  const scope = new Map(latest.list().map((update: Update) => [updateKey(update.updateId), { tally: new ExposureTally(update, exposedListLimit), rollouts: [] as { id: string; batchIds: string[] }[] }]));
  await forEachPage((token) => deps.rollouts.listPage({}, pageRequest(storePageSize, token)), (summaries: RolloutSummary[]) => {
    for (const summary of summaries) {
      scope.get(updateKey(summary.spec.updateId))?.rollouts.push({ id: summary.id, batchIds: summary.waves.flatMap((wave) => wave.batches.map((b) => b.id)) });
    }
  });
  for (const { tally, rollouts } of scope.values()) {
    for (const rollout of rollouts) {
      for (let start = 0; start < rollout.batchIds.length; start += batchReads) {
        const batches = await Promise.all(rollout.batchIds.slice(start, start + batchReads).map((id) => deps.rollouts.getBatch(rollout.id, id)));
        for (const batch of batches) if (batch) tally.addRolloutDevices(batch.devices);
      }
    }
  }
  await forEachDevicePage(deps, {}, (devices) => {
    for (const { tally } of scope.values()) tally.addFleetDevices(devices);
  });
  return [...scope.values()].map(({ tally, rollouts }) => tally.result(rollouts.map((r) => r.id)));
}

export function createReportsApi(deps: ReportsDeps) {
  return {
    async inventory(request: HttpRequest): Promise<HttpResponseInit> {
      const rendering = renderingOf(request);
      if (!('format' in rendering)) return rendering;
      const parsed = parseInventoryFilter({ site: request.query.get('site') ?? undefined, model: request.query.get('model') ?? undefined, version: request.query.get('version') ?? undefined });
      if (!parsed.ok) return problem(400, 'Invalid request', parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; '), parsed.errors);
      // The values were checked, so a query the fleet refuses is our bug, not the caller's: no 400 for it.
      const tally = new InventoryTally();
      await forEachDevicePage(deps, parsed.filter, (devices) => tally.add(devices));
      const report = inventoryReport(tally, parsed.filter, deps.now().toISOString());
      return render(rendering, report, inventoryDocument(report), 'inventory');
    },

    async rollout(request: HttpRequest): Promise<HttpResponseInit> {
      const rendering = renderingOf(request);
      if (!('format' in rendering)) return rendering;
      const record = await deps.rollouts.get(request.params.id ?? '');
      if (!record) return problem(404, 'Not found', `No rollout '${request.params.id}'.`);
      const update = await deps.updates.get(record.spec.updateId);
      const report = buildRolloutReport({ record, update, generatedAt: deps.now().toISOString() });
      return render(rendering, report, rolloutReportDocument(report), `rollout-${record.id}`);
    },

    async compliance(request: HttpRequest): Promise<HttpResponseInit> {
      const rendering = renderingOf(request);
      if (!('format' in rendering)) return rendering;
      const report = buildComplianceReport({ exposures: await exposures(deps), generatedAt: deps.now().toISOString(), exposedListLimit });
      return render(rendering, report, complianceDocument(report), 'compliance');
    },
  };
}
