/**
 * GET /api/me: who is signed in and what they may do, worked out by the code that authorises every route (the
 * principal headers with the configured group → role mapping, then the role matrix). The dashboard shows only what
 * `permissions` lists, so roles that come through Entra groups count as much as app roles do.
 *
 * Open to anyone, so that nobody signed in gets a useful 401: it carries `signInUrl` (the setting
 * DASHBOARD_SIGN_IN_URL, App Service's `/.auth/login/aad` in Azure) when a sign-in page exists; without it the
 * dashboard offers its local sign-in form.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { authorize, permissions, type Permission } from '../../domain/access/roles';
import { principalFromHeaders, type PrincipalOptions } from './principal';
import { problem } from './problem';

export interface MeOptions extends PrincipalOptions {
  /** Where a browser signs in; unset (or blank) where nothing signs people in. */
  signInUrl?: string | undefined;
}

/** What the dashboard learns about the caller. */
export interface Me {
  /** null when the principal names nobody (it still has roles). */
  name: string | null;
  roles: string[];
  groups?: string[];
  permissions: Permission[];
}

const allPermissions = Object.keys(permissions) as Permission[];
/** Who is signed in changes with the session cookie: never cached. */
const noStore = { 'Cache-Control': 'no-store' };

export function createMeHandler(options: MeOptions = {}) {
  const signInUrl = options.signInUrl?.trim() || undefined;
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const principal = principalFromHeaders(request.headers, options);
    if (!principal) {
      const refusal = problem(401, 'Unauthorized', 'Sign-in required: the request carries no authenticated principal.');
      // One extension member (RFC 9457 allows them): where to sign in.
      return { ...refusal, headers: { ...refusal.headers, ...noStore }, jsonBody: { ...refusal.jsonBody, ...(signInUrl ? { signInUrl } : {}) } };
    }
    const me: Me = {
      name: principal.name ?? null,
      roles: principal.roles,
      ...(principal.groups ? { groups: principal.groups } : {}),
      permissions: allPermissions.filter((permission) => authorize(principal, permission).ok),
    };
    return { status: 200, headers: noStore, jsonBody: me };
  };
}
