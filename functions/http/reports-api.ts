/**
 * Reports: GET /api/inventory, GET /api/reports/rollouts/{id}, GET /api/reports/compliance. Each handler loads
 * what its report needs through the ports, lets domain/reports compute it, and renders it as JSON (the report
 * object), CSV (one table, `?table=` picks which) or a printable HTML page.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { FleetPort } from '../../domain/fleet/fleet-port';
import type { RolloutStore, UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { buildComplianceReport, complianceDocument, exposureOf, latestPerName } from '../../domain/reports/compliance';
import { toCsv } from '../../domain/reports/csv';
import { toHtml } from '../../domain/reports/html';
import { buildInventory, inventoryDocument, inventoryQuery, parseInventoryFilter } from '../../domain/reports/inventory';
import type { ReportDocument } from '../../domain/reports/report-document';
import { buildRolloutReport, rolloutReportDocument } from '../../domain/reports/rollout-report';
import { updateKey } from '../../domain/updates/update';
import { problem } from './problem';

const formats = ['json', 'csv', 'html'] as const;
type Format = (typeof formats)[number];

/** Exposed device ids listed per update; the count is always complete. */
const exposedListLimit = 100;

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
        headers: { 'Content-Type': 'text/csv; charset=utf-8; header=present', 'Content-Disposition': `attachment; filename="${safeFileName(`${fileName}-${table.name}`)}.csv"` },
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

function safeFileName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

export function createReportsApi(deps: { fleet: FleetPort; rollouts: RolloutStore; updates: UpdateStore; now: () => Date }) {
  return {
    async inventory(request: HttpRequest): Promise<HttpResponseInit> {
      const rendering = renderingOf(request);
      if (!('format' in rendering)) return rendering;
      const parsed = parseInventoryFilter({ site: request.query.get('site') ?? undefined, model: request.query.get('model') ?? undefined, version: request.query.get('version') ?? undefined });
      if (!parsed.ok) return problem(400, 'Invalid request', parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; '), parsed.errors);
      // The values were checked, so a query the fleet refuses is our bug, not the caller's: no 400 for it.
      const devices = await deps.fleet.queryDevices({ query: inventoryQuery(parsed.filter) });
      const report = buildInventory({ devices, filter: parsed.filter, generatedAt: deps.now().toISOString() });
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
      const [updates, rollouts, devices] = await Promise.all([
        deps.updates.list(),
        deps.rollouts.list(),
        deps.fleet.queryDevices({ query: inventoryQuery({}) }),
      ]);
      const exposures = [];
      for (const update of latestPerName(updates)) {
        const ofUpdate = rollouts.filter((r) => updateKey(r.spec.updateId) === updateKey(update.updateId));
        const withDevices = await Promise.all(ofUpdate.map(async (r) => ({
          id: r.id,
          devices: (await deps.rollouts.listBatches(r.id)).flatMap((batch) => batch.devices),
        })));
        exposures.push(exposureOf({ update, devices, rollouts: withDevices, listLimit: exposedListLimit }));
      }
      const report = buildComplianceReport({ exposures, generatedAt: deps.now().toISOString() });
      return render(rendering, report, complianceDocument(report), 'compliance');
    },
  };
}
