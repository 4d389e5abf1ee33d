/**
 * How the page learns who is signed in, without the app telling it whether it runs locally: `/.auth/me` exists only
 * behind App Service authentication. There it names the user (or answers 401 before sign-in); anywhere else it is
 * not found, and the page offers the local sign-in form, remembered for the browser tab.
 */
import { localPrincipalHeaders, userFromAuthMe, type SignedInUser } from './model/signed-in-user';

export type SignInState =
  | { kind: 'app-service'; user: SignedInUser }
  /** Behind App Service authentication, but not signed in (or the session expired). */
  | { kind: 'app-service-signed-out' }
  | { kind: 'local'; user: SignedInUser | undefined };

const storageKey = 'ota-dashboard.local-user';

export async function detectSignIn(): Promise<SignInState> {
  const response = await fetch('/.auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } }).catch(() => undefined);
  if (response?.status === 401) return { kind: 'app-service-signed-out' };
  if (response?.ok && (response.headers.get('content-type') ?? '').includes('json')) {
    const user = userFromAuthMe(await response.json());
    return user ? { kind: 'app-service', user } : { kind: 'app-service-signed-out' };
  }
  return { kind: 'local', user: readLocalUser() };
}

/** App Service's sign-in, coming back to this page. */
export const appServiceSignInUrl = () => `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(location.pathname + location.hash)}`;

export function saveLocalUser(name: string, role: string): SignedInUser {
  const user: SignedInUser = { name, roles: [role], via: 'local' };
  sessionStorage.setItem(storageKey, JSON.stringify({ name, roles: user.roles }));
  return user;
}

export function forgetLocalUser(): void {
  sessionStorage.removeItem(storageKey);
}

/** What every API call adds: nothing behind App Service (its cookie is enough), the principal headers locally. */
export function identityHeaders(user: SignedInUser | undefined): Record<string, string> {
  return user?.via === 'local' ? localPrincipalHeaders(user) : {};
}

function readLocalUser(): SignedInUser | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as { name?: unknown; roles?: unknown } | null;
    if (typeof stored?.name !== 'string' || !Array.isArray(stored.roles)) return undefined;
    return { name: stored.name, roles: stored.roles.filter((r): r is string => typeof r === 'string'), via: 'local' };
  } catch {
    return undefined;
  }
}
