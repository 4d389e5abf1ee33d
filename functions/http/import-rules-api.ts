/** PUT/GET /api/import-rules/{ruleId}, GET /api/import-rules, GET /api/imports/{eventId}, GET /api/imports?status=. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { ImportRecordStore, ImportRuleStore } from '../../domain/imports/import-ports';
import type { ImportStatus } from '../../domain/imports/import-record';
import type { ImportRule } from '../../domain/imports/import-rule';
import { listPage, pageQuery } from './paging';
import { problem, readJson, validationProblem } from './problem';
import { updateIdSchema } from '../../application/requests/request-schemas';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const ruleIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, dash and underscore only (at most 100)');

export const importRuleSchema = z.strictObject({
  source: z.union([
    z.strictObject({ repository: nonEmpty }),
    z.strictObject({ blobPrefix: nonEmpty }),
  ], { error: 'must be { repository: "edge/line-controller" } or { blobPrefix: "line-controller/" }' }),
  update: updateIdSchema.pick({ provider: true, name: true }),
  compatibility: z.array(z.record(z.string(), nonEmpty)).min(1, 'needs at least one set of device properties'),
  prerequisites: z.array(z.strictObject({ name: nonEmpty, minVersion: updateIdSchema.shape.version })).default([]),
  deltaFromPrevious: z.number().int().min(0).max(10).default(2),
  manifestLifetimeDays: z.number().int().min(1).max(3650).default(90),
  autoRollout: z.record(z.string(), z.unknown()).optional(),
});

const statuses = ['Importing', 'Imported', 'Ignored', 'Failed'] as const satisfies readonly ImportStatus[];

export const importListQuery = pageQuery.extend({
  status: z.enum(statuses, { error: `must be one of ${statuses.join(', ')}` }).optional(),
}).strict();

export function createImportRulesApi(deps: { rules: ImportRuleStore; records: ImportRecordStore; now: () => Date }) {
  return {
    async put(request: HttpRequest): Promise<HttpResponseInit> {
      const ruleId = ruleIdSchema.safeParse(request.params.ruleId);
      if (!ruleId.success) return problem(400, 'Invalid request', `ruleId: ${ruleId.error.issues[0]?.message}`, [{ field: 'ruleId', message: ruleId.error.issues[0]?.message ?? 'invalid' }]);
      const json = await readJson(request);
      if (!json.ok) return json.response;
      const parsed = importRuleSchema.safeParse(json.body);
      if (!parsed.success) return validationProblem(parsed.error);
      const rule: ImportRule = { ruleId: ruleId.data, ...parsed.data, updatedAt: deps.now().toISOString() };
      const outcome = await deps.rules.put(rule);
      return { status: outcome === 'created' ? 201 : 200, jsonBody: rule };
    },

    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const rule = await deps.rules.get(request.params.ruleId ?? '');
      return rule ? { status: 200, jsonBody: rule } : problem(404, 'Not found', `No import rule '${request.params.ruleId}'.`);
    },

    /** One page, by rule id. */
    async list(request: HttpRequest): Promise<HttpResponseInit> {
      const parsed = pageQuery.strict().safeParse(Object.fromEntries(request.query.entries()));
      if (!parsed.success) return validationProblem(parsed.error);
      const { limit, continuationToken } = parsed.data;
      return listPage(request, () => deps.rules.listPage({ limit, ...(continuationToken ? { continuationToken } : {}) }));
    },

    async getImport(request: HttpRequest): Promise<HttpResponseInit> {
      const record = await deps.records.get(request.params.eventId ?? '');
      return record ? { status: 200, jsonBody: record } : problem(404, 'Not found', `No event '${request.params.eventId}' was received.`);
    },

    /** One page, oldest first. */
    async listImports(request: HttpRequest): Promise<HttpResponseInit> {
      const parsed = importListQuery.safeParse(Object.fromEntries(request.query.entries()));
      if (!parsed.success) return validationProblem(parsed.error);
      const { limit, continuationToken, status } = parsed.data;
      return listPage(request, () => deps.records.listPage(status ? { status } : {}, { limit, ...(continuationToken ? { continuationToken } : {}) }));
    },
  };
}
