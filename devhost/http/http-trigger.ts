/** HTTP triggers: the route table, and conversion between Node's HTTP messages and the worker's RpcHttpData. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegisteredFunction } from '../functions-core';
import { triggerBindingOf, type InvocationOutcome, type RpcTypedData } from '../invoker';
import { compileRoute, type RouteMatcher } from './route-template';

export interface HttpRoute {
  fn: RegisteredFunction;
  matcher: RouteMatcher;
  methods: string[] | undefined;
}

export function buildRouteTable(functions: Iterable<RegisteredFunction>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    const [, binding] = triggerBindingOf(fn);
    if (binding.type !== 'httpTrigger') continue;
    const template = typeof binding.route === 'string' && binding.route ? binding.route : fn.metadata.name;
    const methods = Array.isArray(binding.methods) ? (binding.methods as string[]).map((m) => m.toUpperCase()) : undefined;
    routes.push({ fn, matcher: compileRoute(template.replace(/^\/+|\/+$/g, '')), methods });
  }
  return routes.sort((a, b) => b.matcher.specificity - a.matcher.specificity);
}

export type RouteLookup = { route: HttpRoute; params: Record<string, string> } | { methodNotAllowed: true } | undefined;

export function findRoute(routes: HttpRoute[], path: string, method: string): RouteLookup {
  let pathMatched = false;
  for (const route of routes) {
    const params = route.matcher.match(path);
    if (!params) continue;
    pathMatched = true;
    if (!route.methods || route.methods.includes(method)) return { route, params };
  }
  return pathMatched ? { methodNotAllowed: true } : undefined;
}

export function toRpcHttpRequest(req: IncomingMessage, url: URL, body: Buffer, params: Record<string, string>): RpcTypedData {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  // As the Functions host does, a request without content carries no body: @azure/functions before 4.16.3 builds an
  // undici Request from it, which rejects any body (even an empty one) on GET and HEAD.
  const http: Record<string, unknown> = { method: req.method ?? 'GET', url: url.href, headers, query, params };
  if (body.length > 0) http.body = { bytes: body };
  return { http };
}

interface RpcCookie {
  name?: string;
  value?: string;
  domain?: { value?: string };
  path?: { value?: string };
  expires?: { value?: { seconds?: number } };
  secure?: { value?: boolean };
  httpOnly?: { value?: boolean };
  sameSite?: string;
  maxAge?: { value?: number };
}

function setCookieHeader(cookie: RpcCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value?.seconds !== undefined) parts.push(`Expires=${new Date(Number(cookie.expires.value.seconds) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' }[cookie.sameSite ?? ''];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

/** Writes the function's HTTP output binding (or its return value) as the response. */
export function writeHttpResponse(fn: RegisteredFunction, outcome: InvocationOutcome, res: ServerResponse): void {
  const entry = Object.entries(fn.metadata.bindings).find(([, b]) => b.direction === 'out' && b.type === 'http');
  const data = !entry ? outcome.returnValue : entry[0] === '$return' ? outcome.returnValue : outcome.outputData.find((o) => o.name === entry[0])?.data;
  const http = data?.http as { statusCode?: string; headers?: Record<string, string>; cookies?: RpcCookie[]; body?: RpcTypedData } | undefined;
  if (!http) {
    res.writeHead(204).end();
    return;
  }
  const cookies = (http.cookies ?? []).map(setCookieHeader);
  res.statusCode = Number(http.statusCode) || 200;
  for (const [key, value] of Object.entries(http.headers ?? {})) res.setHeader(key, value);
  if (cookies.length) res.setHeader('Set-Cookie', cookies);
  const body = http.body;
  if (body?.bytes) res.end(Buffer.from(body.bytes));
  else if (typeof body?.string === 'string') res.end(body.string);
  else res.end();
}
