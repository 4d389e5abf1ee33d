/** POST /api/updates, GET /api/updates?name=&provider=, GET /api/updates/{provider}/{name}/{version}. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { listPage, pageQuery } from './paging';
import { problem, readJson, validationProblem } from './problem';
import { updateIdSchema, updateRequestSchema } from '../../application/requests/request-schemas';

export const updateListQuery = pageQuery.extend({
  provider: updateIdSchema.shape.provider.optional(),
  name: updateIdSchema.shape.name.optional(),
}).strict();

export function createUpdatesApi(deps: { updates: UpdateStore; now: () => Date }) {
  return {
    async register(request: HttpRequest): Promise<HttpResponseInit> {
      const json = await readJson(request);
      if (!json.ok) return json.response;
      const parsed = updateRequestSchema.safeParse(json.body);
      if (!parsed.success) return validationProblem(parsed.error);
      const update = { ...parsed.data, createdAt: deps.now().toISOString() };
      const outcome = await deps.updates.put(update);
      if (outcome === 'exists') {
        const { provider, name, version } = update.updateId;
        return problem(409, 'Update exists', `Update ${provider}/${name} ${version} is registered already.`, [{ field: 'updateId', message: 'already registered' }]);
      }
      return { status: 201, jsonBody: update };
    },

    /** One page in registration order (see paging.ts). */
    async list(request: HttpRequest): Promise<HttpResponseInit> {
      const parsed = updateListQuery.safeParse(Object.fromEntries(request.query.entries()));
      if (!parsed.success) return validationProblem(parsed.error);
      const { limit, continuationToken, ...filter } = parsed.data;
      return listPage(request, () => deps.updates.listPage(filter, { limit, ...(continuationToken ? { continuationToken } : {}) }));
    },

    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const parsed = updateIdSchema.safeParse({ provider: request.params.provider, name: request.params.name, version: request.params.version });
      if (!parsed.success) return validationProblem(parsed.error);
      const update = await deps.updates.get(parsed.data);
      return update ? { status: 200, jsonBody: update } : problem(404, 'Not found', `No update ${parsed.data.provider}/${parsed.data.name} ${parsed.data.version}.`);
    },
  };
}
