/** GET /api/me: the caller and the permissions their roles grant, app roles and mapped Entra groups alike; 401 for nobody. */
import { HttpRequest } from '@azure/functions';
import { createMeHandler } from '../../../functions/http/me-api';
import { groupRolesFromSetting } from '../../../functions/http/principal';
import { principalHeaders } from '../../../scripts/local-principal';

const operatorsGroup = '2f6c0d5e-5b8a-4c39-9d0e-6f1a2b3c4d5e';
const groupRoles = groupRolesFromSetting(JSON.stringify({ [operatorsGroup]: 'OTA.Operator' }));

const get = (headers: Record<string, string> = {}) => new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/me', headers });

describe('GET /api/me', () => {
  it("names the caller with their roles and exactly the permissions the role matrix grants them", async () => {
    const me = createMeHandler({ groupRoles });
    const response = await me(get(principalHeaders('qa@contoso.com', ['OTA.Approver'])));
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      name: 'qa@contoso.com',
      roles: ['OTA.Approver'],
      permissions: ['updates.read', 'rollouts.read', 'rollouts.approve', 'devices.read', 'imports.read', 'audit.read', 'reports.read', 'signing-keys.read'],
    });
  });

  it('grants the roles of a mapped Entra group, and lists the groups', async () => {
    const me = createMeHandler({ groupRoles });
    const response = await me(get(principalHeaders('ops@contoso.com', [], [operatorsGroup, 'some-other-group'])));
    const body = response.jsonBody as { roles: string[]; groups: string[]; permissions: string[] };
    expect(body.roles).toEqual(['OTA.Operator']);
    expect(body.groups).toEqual([operatorsGroup, 'some-other-group']);
    expect(body.permissions).toEqual(expect.arrayContaining(['rollouts.create', 'rollouts.control', 'updates.write']));
    expect(body.permissions).not.toContain('rollouts.approve');
  });

  it('grants nothing to an unmapped group or a role that is not ours', async () => {
    const response = await createMeHandler({ groupRoles })(get(principalHeaders('x@contoso.com', ['Other.App'], ['unmapped'])));
    expect(response.jsonBody).toMatchObject({ name: 'x@contoso.com', roles: ['Other.App'], permissions: [] });
  });

  it('answers 401 problem+json without a principal, naming the sign-in page where there is one', async () => {
    const inAzure = await createMeHandler({ signInUrl: '/.auth/login/aad' })(get());
    expect(inAzure.status).toBe(401);
    expect(new Headers(inAzure.headers).get('content-type')).toBe('application/problem+json');
    expect(inAzure.jsonBody).toMatchObject({ status: 401, title: 'Unauthorized', signInUrl: '/.auth/login/aad' });

    const local = await createMeHandler({ signInUrl: ' ' })(get({ 'x-ms-client-principal': 'not base64!' }));
    expect(local.status).toBe(401);
    expect(local.jsonBody).not.toHaveProperty('signInUrl');
  });
});
