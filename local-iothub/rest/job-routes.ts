/** Jobs v2: `PUT/GET /jobs/v2/{id}` and `POST /jobs/v2/{id}/cancel` (the query is in query-routes.ts). */
import type { HubJobs } from '../jobs';
import type { Route } from './types';

export function jobRoutes(jobs: HubJobs): Route[] {
  const service = ['ServiceConnect'] as const;
  return [
    {
      method: 'PUT', path: '/jobs/v2/{id}', permissions: service, quota: 'jobOperations',
      handle: ({ body }, { id }) => ({ status: 200, body: jobs.create(id!, body) }),
    },
    {
      method: 'GET', path: '/jobs/v2/{id}', permissions: service, quota: 'jobOperations',
      handle: (_, { id }) => ({ status: 200, body: jobs.get(id!) }),
    },
    {
      method: 'POST', path: '/jobs/v2/{id}/cancel', permissions: service, quota: 'jobOperations',
      handle: (_, { id }) => ({ status: 200, body: jobs.cancel(id!) }),
    },
  ];
}
