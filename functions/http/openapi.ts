/**
 * GET /api/openapi.json: the OpenAPI 3.1 document of the HTTP API, generated from the route table and its request
 * schemas (zod → JSON Schema 2020-12), so there is no second, hand-written copy to drift.
 */
import { z } from 'zod';
import { permissions } from '../../domain/access/roles';
import type { RouteDefinition } from './routes';

/** `{action:regex(^(pause|resume)$)}` → `{action}` plus the values it may take. */
const constrained = /\{(\w+):regex\(\^\(([^)]*)\)\$\)\}/g;

export function openApiPath(route: RouteDefinition): string {
  return `/api/${route.path.replace(constrained, '{$1}')}`;
}

function pathParameters(route: RouteDefinition) {
  const choices = new Map([...route.path.matchAll(constrained)].map((m) => [m[1]!, m[2]!.split('|')]));
  return [...openApiPath(route).matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name: name!, in: 'path', required: true,
    schema: choices.has(name!) ? { type: 'string', enum: choices.get(name!) } : { type: 'string' },
  }));
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** The statuses a route can answer, from what it declares: who may call it, what it reads, what it does. */
function responses(route: RouteDefinition) {
  const success = route.name === 'createRollout' || route.name === 'registerUpdate' ? '201'
    : route.name === 'approveRollout' || route.name === 'controlRollout' ? '202' : '200';
  const out: Record<string, unknown> = { [success]: { description: 'Success', content: { 'application/json': { schema: {} } } } };
  if (route.body || route.query || route.path.includes('{')) out['400'] = problem('Invalid request: `errors[].field` names each bad field');
  if (route.access !== 'anyone' && route.access !== 'signed-link') {
    out['401'] = problem('No authenticated principal');
    out['403'] = problem(`The caller's roles do not grant ${route.access}`);
  }
  if (route.name === 'me') out['401'] = problem('Nobody is signed in; `signInUrl` names the sign-in page where there is one');
  if (route.path.includes('{')) out['404'] = problem('Not found');
  if (route.method !== 'GET') {
    out['409'] = problem('Conflicts with the current state');
    out['413'] = problem(`Body larger than ${route.maxBodyBytes ?? 256 * 1024} bytes`);
  }
  if (route.name === 'createRollout') out['422'] = problem('Unknown update, unknown or incompatible devices, missing prerequisites');
  out['503'] = problem('A dependency cannot be reached for now (Retry-After says when to try again)');
  return out;
}

function operation(route: RouteDefinition) {
  const access = route.access === 'anyone' ? 'No sign-in needed.'
    : route.access === 'signed-link' ? 'The signed, expiring, single-use approval link in the URL is the credential.'
    : `Permission \`${route.access}\` (roles: ${permissions[route.access].join(', ')}).`;
  return {
    operationId: route.name,
    summary: route.summary,
    description: access,
    ...(route.access !== 'anyone' && route.access !== 'signed-link' ? { security: [{ appServiceAuthentication: [] }], 'x-permission': route.access } : { security: [] }),
    parameters: [
      ...pathParameters(route),
      ...(route.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
    ],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
    responses: responses(route),
  };
}

export function openApiDocument(routes: readonly RouteDefinition[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    (paths[openApiPath(route)] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'OTA update service',
      version,
      description: 'Over-the-air updates for industrial IoT fleets: updates, rollouts with approvals and waves, devices, imports, audit and reports.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        appServiceAuthentication: {
          type: 'apiKey', in: 'header', name: 'x-ms-client-principal',
          description: 'App Service authentication (Entra ID) sets this header after sign-in; locally callers send it themselves with x-ms-client-principal-name.',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
            code: { type: 'string', description: 'A stable refusal code, where the use case gives one' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] } },
          },
          required: ['title', 'status'],
        },
      },
    },
  };
}
