/** GET /api/devices/{id}: what a device runs and reports, with its latest health message when it sends them. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { FleetPort } from '../../domain/fleet/fleet-port';
import type { HealthTelemetryStore } from '../../domain/telemetry/health-sample';
import { problem } from './problem';

export function createDevicesApi(deps: { fleet: FleetPort; health?: HealthTelemetryStore }) {
  return {
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
