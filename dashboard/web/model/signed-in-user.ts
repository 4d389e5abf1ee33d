/**
 * Who uses the page and how their identity reaches the API. `GET /api/me` names the user and lists what they may do,
 * computed by the service from the same principal as every other call: App Service's session cookie in Azure, or,
 * on the local stack where nothing signs anyone in, the principal headers the local scripts and tests send too
 * (scripts/local-principal.ts), which the page adds to every call.
 */
import type { Permission } from '../../../domain/access/roles';

export interface SignedInUser {
  name: string;
  roles: string[];
  groups?: string[];
  /** What the service lets this user do (roles granted directly or through Entra groups). */
  permissions: Permission[];
  /** `session`: signed in by a cookie the page never sees (App Service); `local`: the local sign-in form. */
  via: 'session' | 'local';
}

/** Who the local sign-in form says the user is. */
export interface LocalIdentity {
  name: string;
  roles: string[];
}

/** The user from a `GET /api/me` answer, or undefined when it is not one. */
export function userFromMe(body: unknown, via: SignedInUser['via']): SignedInUser | undefined {
  if (!isRecord(body) || !isStringList(body.roles) || !isStringList(body.permissions)) return undefined;
  const name = typeof body.name === 'string' && body.name ? body.name : 'someone without a name';
  return { name, roles: body.roles, ...(isStringList(body.groups) ? { groups: body.groups } : {}), permissions: body.permissions as Permission[], via };
}

/** The headers App Service authentication would add for this user: base64 JSON of the claims, and the name. */
export function localPrincipalHeaders(user: LocalIdentity): Record<string, string> {
  const claims = [{ typ: 'name', val: user.name }, ...user.roles.map((val) => ({ typ: 'roles', val }))];
  const principal = { auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims };
  const bytes = new TextEncoder().encode(JSON.stringify(principal));
  return { 'x-ms-client-principal-name': user.name, 'x-ms-client-principal': btoa(String.fromCharCode(...bytes)) };
}

/**
 * Whether the service said this user may do this (the page hides what it would refuse). The API decides again; the
 * approval policy (who is in a stage) is its alone, and its refusal is shown as it words it.
 */
export function may(user: SignedInUser | undefined, permission: Permission): boolean {
  return user?.permissions.includes(permission) ?? false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
