/** Registers every route of the route table (functions/http/routes.ts) with the Functions runtime. */
import { app } from '@azure/functions';
import type { HttpServices } from './http/http-services';
import type { PrincipalOptions } from './http/principal';
import { routes } from './http/routes';
import { secured } from './http/secured';
import { durableClientInput } from './durable-engine';

/** Registers the routes whose services exist (e.g. approval links only when configured); returns their names. */
export function registerHttp(services: HttpServices, access: PrincipalOptions = {}): string[] {
  const registered: string[] = [];
  for (const route of routes) {
    const handler = route.handler(services);
    if (!handler) continue;
    app.http(route.name, {
      methods: [route.method],
      route: route.path,
      authLevel: 'anonymous',
      ...(route.durable ? { extraInputs: [durableClientInput] } : {}),
      handler: secured(route.access, handler, { ...access, ...(route.maxBodyBytes ? { maxBodyBytes: route.maxBodyBytes } : {}) }),
    });
    registered.push(route.name);
  }
  return registered;
}
