/**
 * Who the CLI says the caller is, on every request.
 * - Locally (`--as <name> --role <role>`): the App Service authentication headers that the local stack reads, as
 *   scripts/local-principal.ts builds them. Nothing checks them locally, which is why the local stack is local.
 * - In Azure (`--scope api://<app-id>/.default`): an Entra access token from DefaultAzureCredential (az login,
 *   managed identity, environment, …) as `Authorization: Bearer`, which App Service authentication validates and
 *   turns into those same headers. The service never sees headers a caller made up: App Service drops them.
 * - Neither: no credentials (the service answers 401 and the CLI says how to sign in).
 */
import type { TokenCredential } from '@azure/identity';
import { principalHeaders } from '../scripts/local-principal';
import { CliError } from './cli-error';
import { exitCodes } from './exit-codes';

export type AuthMode =
  | { kind: 'local'; name: string; roles: readonly string[]; groups: readonly string[] }
  | { kind: 'entra'; scope: string }
  | { kind: 'none' };

export type AuthHeaders = () => Promise<Record<string, string>>;

/** The DefaultAzureCredential, loaded only when Entra is used (it is a large module). */
async function defaultCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

/** Builds the headers for `mode`; `credential` is for tests (the default reaches Entra). */
export function authHeaders(mode: AuthMode, credential: () => Promise<TokenCredential> = defaultCredential): AuthHeaders {
  switch (mode.kind) {
    case 'none':
      return async () => ({});
    case 'local': {
      const headers = principalHeaders(mode.name, mode.roles, mode.groups);
      return async () => headers;
    }
    case 'entra': {
      let cached: { token: string; expiresOnTimestamp: number } | undefined;
      let source: TokenCredential | undefined;
      return async () => {
        // A watch runs for hours: renew the token a few minutes before it expires.
        if (!cached || cached.expiresOnTimestamp - Date.now() < 5 * 60_000) {
          source ??= await credential();
          let token;
          try {
            token = await source.getToken(mode.scope);
          } catch (err) {
            const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
            throw new CliError(`could not get an Entra token for ${mode.scope}: ${why}`, exitCodes.refused);
          }
          if (!token) throw new CliError(`could not get an Entra token for ${mode.scope}: no credential returned one (sign in with \`az login\`)`, exitCodes.refused);
          cached = token;
        }
        return { Authorization: `Bearer ${cached.token}` };
      };
    }
  }
}

/** The mode from the global options: --as wins (a local caller), then --scope (Entra), else none. */
export function authModeOf(options: { as?: string; role: readonly string[]; group: readonly string[]; scope?: string }): AuthMode {
  if (options.as) return { kind: 'local', name: options.as, roles: options.role.length > 0 ? options.role : ['OTA.Viewer'], groups: options.group };
  if (options.scope) return { kind: 'entra', scope: options.scope };
  return { kind: 'none' };
}
