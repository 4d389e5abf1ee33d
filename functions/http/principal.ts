/**
 * The caller from App Service authentication (Easy Auth) headers; locally the same headers.
 * - `x-ms-client-principal`: base64 of JSON `{ auth_typ, claims: [{ typ, val }], name_typ, role_typ }`
 * - `x-ms-client-principal-name`: the signed-in name
 * Roles: every claim whose `typ` is `roles` (Entra ID app roles) or the principal's `role_typ`, plus the roles
 * configuration maps group claims to (for tenants that assign groups instead of app roles).
 *
 * These headers are trustworthy only because Easy Auth, with authentication required, strips them from incoming
 * requests and sets its own; locally anyone may send them, which is what the tests do. A missing or malformed
 * principal is no principal (→ 401), never a 500: a client's bad header is the client's mistake.
 */
import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { authorize, roles as knownRoles, type Permission, type Principal } from '../../domain/access/roles';
import { ConfigError } from '../config';
import { problem } from './problem';

/** Group object id → the roles its members get. */
export type GroupRoles = Readonly<Record<string, readonly string[]>>;

export interface PrincipalOptions {
  groupRoles?: GroupRoles;
}

interface HeaderSource {
  get(name: string): string | null;
}

const ROLE_CLAIM = 'roles';
/** Entra ID's group claim: short name in v2 tokens, URI in v1 tokens. */
const GROUP_CLAIMS: readonly string[] = ['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'];

const clientPrincipal = z.object({
  auth_typ: z.string().nullish(),
  name_typ: z.string().nullish(),
  role_typ: z.string().nullish(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

export function principalFromHeaders(headers: HeaderSource, options: PrincipalOptions = {}): Principal | undefined {
  const encoded = headers.get('x-ms-client-principal')?.trim();
  if (!encoded) return undefined;
  const text = decodeBase64(encoded);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = clientPrincipal.safeParse(json);
  if (!parsed.success) return undefined;
  const { claims, role_typ: roleType, name_typ: nameType } = parsed.data;

  const roles = new Set<string>();
  const groups: string[] = [];
  for (const { typ, val } of claims) {
    if (typ === ROLE_CLAIM || (roleType && typ === roleType)) roles.add(val);
    if (GROUP_CLAIMS.includes(typ)) {
      groups.push(val);
      for (const role of options.groupRoles?.[val] ?? []) roles.add(role);
    }
  }
  const name = headers.get('x-ms-client-principal-name')?.trim() || claims.find((c) => nameType && c.typ === nameType)?.val.trim();
  return { ...(name ? { name } : {}), roles: [...roles], ...(groups.length ? { groups } : {}) };
}

/** The principal if it holds `permission`, else the 401 or 403 problem response to send. */
export function authorizeRequest(
  request: { headers: HeaderSource },
  permission: Permission,
  options: PrincipalOptions = {},
): { ok: true; principal: Principal } | { ok: false; response: HttpResponseInit } {
  const principal = principalFromHeaders(request.headers, options);
  const decision = authorize(principal, permission);
  if (!decision.ok) return { ok: false, response: problem(decision.status, decision.status === 401 ? 'Unauthorized' : 'Forbidden', decision.reason) };
  // authorize grants nothing without a principal.
  return { ok: true, principal: principal as Principal };
}

/**
 * The group → roles map from a setting's JSON, `{ "<group object id>": "OTA.Operator" | ["OTA.Operator", …] }`.
 * Unset or empty means no mapping. Anything else wrong throws a ConfigError at start-up, not at the first request.
 */
export function groupRolesFromSetting(value: string | undefined, settingName = 'AUTH_GROUP_ROLES'): GroupRoles {
  if (!value?.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new ConfigError(`${settingName} is not JSON`);
  }
  const parsed = z.record(z.string(), z.union([z.enum(knownRoles), z.array(z.enum(knownRoles))])).safeParse(json);
  if (!parsed.success) throw new ConfigError(`${settingName} must map group ids to one or more of ${knownRoles.join(', ')}`);
  return Object.fromEntries(Object.entries(parsed.data).map(([group, granted]) => [group, typeof granted === 'string' ? [granted] : granted]));
}

/**
 * Strict base64 (standard or URL-safe alphabet, padding optional): Buffer.from would silently skip stray
 * characters and decode garbage. The bytes must also be valid UTF-8.
 */
function decodeBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'base64'));
  } catch {
    return undefined;
  }
}
