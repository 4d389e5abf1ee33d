/**
 * How the page learns who is signed in, without knowing where it runs: it asks `GET /api/me`. A 401 names the
 * sign-in page when there is one (App Service's, in Azure); without one the page offers the local sign-in form,
 * whose choice it remembers for the browser tab and sends as principal headers.
 */
import { localPrincipalHeaders, userFromMe, type LocalIdentity, type SignedInUser } from './model/signed-in-user';

export type SignInState =
  | { kind: 'signed-in'; user: SignedInUser }
  /** Nobody is signed in: `signInUrl` is where to go, or undefined for the local form; `error` says why the last try failed. */
  | { kind: 'signed-out'; signInUrl: string | undefined; error?: string }
  /** The service did not answer: the page tries again. */
  | { kind: 'unavailable'; message: string };

const storageKey = 'ota-dashboard.local-user';

export async function detectSignIn(): Promise<SignInState> {
  const state = await whoAmI(readLocalUser());
  if (state.kind === 'signed-out') forgetLocalUser(); // a remembered local user the service no longer accepts
  return state;
}

/** Signs in with the local form's name and role; remembered only if the service accepts them. */
export async function signInLocally(name: string, role: string): Promise<SignInState> {
  const identity = { name, roles: [role] };
  const state = await whoAmI(identity);
  if (state.kind === 'signed-in') sessionStorage.setItem(storageKey, JSON.stringify(identity));
  return state;
}

export function forgetLocalUser(): void {
  sessionStorage.removeItem(storageKey);
}

/** The sign-in page, coming back to where the user is now. */
export function signInHref(signInUrl: string): string {
  const url = new URL(signInUrl, location.origin);
  url.searchParams.set('post_login_redirect_uri', location.pathname + location.search + location.hash);
  return url.origin === location.origin ? url.pathname + url.search : url.href;
}

/** What every API call adds: nothing for a session (its cookie is enough), the principal headers for a local user. */
export function identityHeaders(user: SignedInUser | undefined): Record<string, string> {
  return user?.via === 'local' ? localPrincipalHeaders(user) : {};
}

async function whoAmI(local: LocalIdentity | undefined): Promise<SignInState> {
  let response: Response;
  try {
    response = await fetch('/api/me', { credentials: 'same-origin', headers: { accept: 'application/json', ...(local ? localPrincipalHeaders(local) : {}) } });
  } catch {
    return { kind: 'unavailable', message: 'The service cannot be reached.' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 401) {
    const signInUrl = typeof body === 'object' && body !== null && 'signInUrl' in body && typeof body.signInUrl === 'string' ? body.signInUrl : undefined;
    return { kind: 'signed-out', signInUrl, ...(local ? { error: `The service did not accept ${local.name} as signed in.` } : {}) };
  }
  const user = response.ok ? userFromMe(body, local ? 'local' : 'session') : undefined;
  return user ? { kind: 'signed-in', user } : { kind: 'unavailable', message: `GET /api/me answered ${response.status}.` };
}

function readLocalUser(): LocalIdentity | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as { name?: unknown; roles?: unknown } | null;
    if (typeof stored?.name !== 'string' || !Array.isArray(stored.roles)) return undefined;
    return { name: stored.name, roles: stored.roles.filter((r): r is string => typeof r === 'string') };
  } catch {
    return undefined;
  }
}
