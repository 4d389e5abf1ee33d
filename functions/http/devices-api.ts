/** GET /api/devices/{id}: what a device runs and reports. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { FleetPort } from '../../domain/fleet/fleet-port';
import { problem } from './problem';

export function createDevicesApi(deps: { fleet: FleetPort }) {
  return {
    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const device = await deps.fleet.getDevice(request.params.id ?? '');
      return device ? { status: 200, jsonBody: device } : problem(404, 'Not found', `No device '${request.params.id}'.`);
    },
  };
}
