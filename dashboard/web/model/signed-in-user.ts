/**
 * Who uses the page and how their identity reaches the API. Behind App Service authentication the session cookie
 * does it (App Service adds the principal headers); on the local stack nothing signs anyone in, so the page sends
 * the same principal headers the local scripts and tests send (scripts/local-principal.ts).
 */
import { authorize, type Permission } from '../../../domain/access/roles';

export interface SignedInUser {
  name: string;
  roles: string[];
  /** `app-service`: App Service authentication signed them in; `local`: the local sign-in form. */
  via: 'app-service' | 'local';
}

/** Claim types App Service puts app roles under (v2 tokens, then v1). */
const roleClaimTypes: readonly string[] = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

/** The user from App Service's `/.auth/me` answer, or undefined when it names nobody. */
export function userFromAuthMe(body: unknown): SignedInUser | undefined {
  const session: unknown = Array.isArray(body) ? body[0] : undefined;
  if (!isRecord(session) || typeof session.user_id !== 'string' || !session.user_id) return undefined;
  const claims = Array.isArray(session.user_claims) ? session.user_claims.filter(isClaim) : [];
  const roles = claims.filter((c) => roleClaimTypes.includes(c.typ)).map((c) => c.val);
  return { name: session.user_id, roles: [...new Set(roles)], via: 'app-service' };
}

/** The headers App Service authentication would add for this user: base64 JSON of the claims, and the name. */
export function localPrincipalHeaders(user: Pick<SignedInUser, 'name' | 'roles'>): Record<string, string> {
  const claims = [{ typ: 'name', val: user.name }, ...user.roles.map((val) => ({ typ: 'roles', val }))];
  const principal = { auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims };
  const bytes = new TextEncoder().encode(JSON.stringify(principal));
  return { 'x-ms-client-principal-name': user.name, 'x-ms-client-principal': btoa(String.fromCharCode(...bytes)) };
}

/**
 * Whether the role matrix lets the user do this (the page hides what it would refuse). The API decides again; the
 * approval policy (who is in a stage) is its alone, and its refusal is shown as it words it.
 */
export function may(user: SignedInUser | undefined, permission: Permission): boolean {
  return authorize(user, permission).ok;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isClaim(value: unknown): value is { typ: string; val: string } {
  return isRecord(value) && typeof value.typ === 'string' && typeof value.val === 'string';
}
