/**
 * The local hub's own admin API (not IoT Hub's), for benchmarks; any valid service token may call it, and it is
 * not throttled, so watching the hub does not take quota from the app being measured:
 * - `GET /admin/stats`: requests and throttled requests per quota class, jobs, devices, journal, and per partition
 *   of the built-in events endpoint enqueued, delivered, dropped, pending and the last delivery error;
 * - `GET /admin/twins/count?where=<condition>`: how many twins match a query condition now, with the hub clock.
 */
import type { HubState, Json } from '../hub-state';
import { compileCondition, QuerySyntaxError } from '../query';
import { twinRow } from '../twin-json';
import { badRequest } from './errors';
import type { Route } from './types';

export function adminRoutes(stats: () => Json, state: HubState): Route[] {
  return [
    { method: 'GET', path: '/admin/stats', permissions: ['RegistryRead', 'ServiceConnect'], handle: () => ({ status: 200, body: stats() }) },
    {
      method: 'GET',
      path: '/admin/twins/count',
      permissions: ['RegistryRead', 'ServiceConnect'],
      handle: (request) => {
        let matches: (row: Record<string, Json>) => boolean;
        try {
          matches = compileCondition(request.query.get('where') ?? '');
        } catch (err) {
          if (err instanceof QuerySyntaxError) throw badRequest(err.message, 'BadRequest');
          throw err;
        }
        state.settle();
        let count = 0;
        for (const twin of state.twins.values()) if (matches(twinRow(twin, state.identities.get(twin.deviceId), state))) count++;
        return { status: 200, body: { count, hubTime: new Date(state.now()).toISOString() } };
      },
    },
  ];
}
