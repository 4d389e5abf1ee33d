/**
 * GET /api/devices?site=&model=&version=&limit=&continuationToken= (one page of the fleet) and GET /api/devices/{id}
 * (what a device runs and reports, with its latest health message when it sends them).
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { FleetPort } from '../../domain/fleet/fleet-port';
import { InvalidContinuationTokenError } from '../../domain/rollouts/rollout-store-port';
import type { HealthTelemetryStore } from '../../domain/telemetry/health-sample';
import { pagedResponse, pageQuery } from './paging';
import { problem, validationProblem } from './problem';

/** Twin query literals have no escape for a quote, so a filter value cannot hold one. */
const filterValue = z.string().trim().min(1, 'must not be empty').max(128, 'at most 128 characters').regex(/^[^']*$/, 'must not contain a quote');

export const deviceListQuery = pageQuery.extend({
  site: filterValue.optional(),
  model: filterValue.optional(),
  version: filterValue.optional(),
}).strict();

export function createDevicesApi(deps: { fleet: FleetPort; health?: HealthTelemetryStore }) {
  return {
    async list(request: HttpRequest): Promise<HttpResponseInit> {
      const parsed = deviceListQuery.safeParse(Object.fromEntries(request.query.entries()));
      if (!parsed.success) return validationProblem(parsed.error);
      const { limit, continuationToken, ...filter } = parsed.data;
      try {
        const page = await deps.fleet.listDevices(filter, { limit, ...(continuationToken ? { continuationToken } : {}) });
        return pagedResponse(request, page);
      } catch (err) {
        if (err instanceof InvalidContinuationTokenError) return problem(400, 'Invalid request', err.message, [{ field: 'continuationToken', message: 'not issued by this list' }]);
        throw err;
      }
    },

    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const id = request.params.id ?? '';
      const [device, health] = await Promise.all([deps.fleet.getDevice(id), deps.health?.latest([id])]);
      if (!device) return problem(404, 'Not found', `No device '${id}'.`);
      const latest = health?.[0];
      // null: the device has sent no health message (it is then judged on its twin reports alone).
      return { status: 200, jsonBody: { ...device, health: latest ? { version: latest.version, healthy: latest.healthy, at: latest.at, receivedAt: latest.receivedAt, metrics: latest.metrics } : null } };
    },
  };
}
