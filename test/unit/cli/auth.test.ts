import type { TokenCredential } from '@azure/identity';
import { authHeaders, authModeOf } from '../../../cli/auth';
import { CliError } from '../../../cli/cli-error';

const decodePrincipal = (headers: Record<string, string>) => JSON.parse(Buffer.from(headers['x-ms-client-principal']!, 'base64').toString('utf8'));

describe('the caller the CLI presents', () => {
  it('locally: the App Service principal headers with the name, roles and groups given', async () => {
    const headers = await authHeaders(authModeOf({ as: 'qa@contoso.com', role: ['OTA.Approver'], group: ['g-1'] }))();
    expect(headers['x-ms-client-principal-name']).toBe('qa@contoso.com');
    expect(decodePrincipal(headers).claims).toEqual([
      { typ: 'name', val: 'qa@contoso.com' },
      { typ: 'roles', val: 'OTA.Approver' },
      { typ: 'groups', val: 'g-1' },
    ]);
  });

  it('locally without a role: a viewer, never more', async () => {
    const headers = await authHeaders(authModeOf({ as: 'guest@contoso.com', role: [], group: [] }))();
    expect(decodePrincipal(headers).claims).toContainEqual({ typ: 'roles', val: 'OTA.Viewer' });
  });

  it('in Azure: an Entra token for the scope as a bearer token, fetched once while it is fresh', async () => {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope) => {
        scopes.push(String(scope));
        return { token: 'eyJ0eXAi.token', expiresOnTimestamp: Date.now() + 3600_000 };
      },
    };
    const headers = authHeaders(authModeOf({ role: [], group: [], scope: 'api://ota-app/.default' }), async () => credential);
    expect(await headers()).toEqual({ Authorization: 'Bearer eyJ0eXAi.token' });
    await headers();
    expect(scopes).toEqual(['api://ota-app/.default']);
  });

  it('in Azure: a credential that cannot sign in is a refusal (exit code 3) naming the scope', async () => {
    const credential: TokenCredential = { getToken: async () => { throw new Error('DefaultAzureCredential failed to retrieve a token\nmore detail'); } };
    const headers = authHeaders({ kind: 'entra', scope: 'api://ota-app/.default' }, async () => credential);
    const error = await headers().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 3, message: 'could not get an Entra token for api://ota-app/.default: DefaultAzureCredential failed to retrieve a token' });
  });

  it('--as wins over --scope; neither sends no credentials', async () => {
    expect(authModeOf({ as: 'ops', role: ['OTA.Operator'], group: [], scope: 'api://x/.default' }).kind).toBe('local');
    expect(await authHeaders(authModeOf({ role: [], group: [] }))()).toEqual({});
  });
});
