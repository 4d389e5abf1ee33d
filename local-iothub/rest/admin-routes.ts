/**
 * `GET /admin/stats`: the local hub's own counters (requests and throttled requests per quota class, jobs,
 * devices, journal), for benchmarks. Not an IoT Hub API; any valid service token may read it, and it is not throttled.
 */
import type { Json } from '../hub-state';
import type { Route } from './types';

export function adminRoutes(stats: () => Json): Route[] {
  return [{ method: 'GET', path: '/admin/stats', permissions: ['RegistryRead', 'ServiceConnect'], handle: () => ({ status: 200, body: stats() }) }];
}
