/** The REST layer's request, reply and route shapes, shared by the route modules and the server. */
import type { IncomingHttpHeaders } from 'node:http';
import type { QuotaClass } from '../quotas';
import type { Permission } from './policies';

export interface RestRequest {
  method: string;
  /** Path segments, URL-decoded, without the trailing empty one (`/devices/` → ['devices']). */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, undefined when there was none. */
  body: unknown;
}

export interface RestReply {
  status: number;
  /** Serialized as JSON; absent for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** e.g. `/devices/{id}`; literal segments win over parameters. */
  path: string;
  /** Any one of these grants access. */
  permissions: readonly Permission[];
  /** The throttle the operation counts against (none: not throttled). */
  quota?: QuotaClass;
  handle(request: RestRequest, params: Record<string, string>): RestReply | Promise<RestReply>;
}

/** `"etag"` or `W/"etag"` → etag; `*` stays. */
export function unquoteEtag(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
