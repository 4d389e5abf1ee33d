import { HttpRequest } from '@azure/functions';
import { authorizeRequest, groupRolesFromSetting, principalFromHeaders } from '../../../functions/http/principal';

const ROLE_URI = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';
const NAME_URI = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';

function encode(principal: unknown): string {
  return Buffer.from(JSON.stringify(principal), 'utf8').toString('base64');
}

function headers(values: Record<string, string>): Headers {
  return new Headers(values);
}

const easyAuth = (claims: { typ: string; val: string }[], extra: object = {}) =>
  encode({ auth_typ: 'aad', name_typ: NAME_URI, role_typ: ROLE_URI, claims, ...extra });

describe('principalFromHeaders', () => {
  it.each<[string, Record<string, string>, ReturnType<typeof principalFromHeaders>]>([
    [
      'app roles from `roles` claims, the name from its header',
      { 'x-ms-client-principal': easyAuth([{ typ: 'roles', val: 'OTA.Operator' }, { typ: 'roles', val: 'OTA.Viewer' }]), 'x-ms-client-principal-name': 'ops@contoso.com' },
      { name: 'ops@contoso.com', roles: ['OTA.Operator', 'OTA.Viewer'] },
    ],
    [
      'roles from claims of the role_typ the principal names',
      { 'x-ms-client-principal': easyAuth([{ typ: ROLE_URI, val: 'OTA.Approver' }, { typ: 'roles', val: 'OTA.Approver' }]) },
      { roles: ['OTA.Approver'] },
    ],
    [
      'the name from the name_typ claim when the name header is absent',
      { 'x-ms-client-principal': easyAuth([{ typ: NAME_URI, val: 'qa1@contoso.com' }, { typ: 'roles', val: 'OTA.Viewer' }]) },
      { name: 'qa1@contoso.com', roles: ['OTA.Viewer'] },
    ],
    [
      'other claims grant nothing; a principal without roles is still a principal',
      { 'x-ms-client-principal': easyAuth([{ typ: 'email', val: 'OTA.Admin' }]), 'x-ms-client-principal-name': 'x@contoso.com' },
      { name: 'x@contoso.com', roles: [] },
    ],
    [
      'without role_typ only `roles` claims count',
      { 'x-ms-client-principal': encode({ claims: [{ typ: ROLE_URI, val: 'OTA.Admin' }, { typ: 'roles', val: 'OTA.Viewer' }] }) },
      { roles: ['OTA.Viewer'] },
    ],
    [
      'null name_typ and role_typ (as some providers send them)',
      { 'x-ms-client-principal': encode({ auth_typ: 'aad', name_typ: null, role_typ: null, claims: [{ typ: 'roles', val: 'OTA.Viewer' }] }) },
      { roles: ['OTA.Viewer'] },
    ],
    [
      'URL-safe base64 without padding',
      { 'x-ms-client-principal': Buffer.from(JSON.stringify({ claims: [{ typ: 'roles', val: 'OTA.Viewer' }], x: '??>>' })).toString('base64url') },
      { roles: ['OTA.Viewer'] },
    ],
    ['no principal header', {}, undefined],
    ['only the name header: no roles to go by, so no principal', { 'x-ms-client-principal-name': 'ops@contoso.com' }, undefined],
    ['an empty principal header', { 'x-ms-client-principal': '  ' }, undefined],
    ['malformed base64', { 'x-ms-client-principal': 'eyJjbGFpbXMiOltdfQ==!!' }, undefined],
    ['base64 with a character in the middle that is not base64', { 'x-ms-client-principal': 'eyJjbGFp*bXMiOltdfQ==' }, undefined],
    ['base64 of bytes that are not UTF-8', { 'x-ms-client-principal': Buffer.from([0xff, 0xfe, 0x7b]).toString('base64') }, undefined],
    ['malformed JSON', { 'x-ms-client-principal': Buffer.from('{"claims": [').toString('base64') }, undefined],
    ['JSON that is not a principal', { 'x-ms-client-principal': encode(['OTA.Admin']) }, undefined],
    ['claims that are not a list', { 'x-ms-client-principal': encode({ claims: { roles: 'OTA.Admin' } }) }, undefined],
    ['a claim whose value is not text', { 'x-ms-client-principal': encode({ claims: [{ typ: 'roles', val: ['OTA.Admin'] }] }) }, undefined],
  ])('%s', (_what, values, expected) => {
    expect(principalFromHeaders(headers(values))).toEqual(expected);
  });

  it('maps group claims to roles through the configured map, v1 and v2 claim types alike', () => {
    const groupRoles = { 'g-ops': ['OTA.Operator'], 'g-qa': ['OTA.Approver', 'OTA.Viewer'] };
    const principal = principalFromHeaders(
      headers({
        'x-ms-client-principal': easyAuth([
          { typ: 'groups', val: 'g-ops' },
          { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', val: 'g-qa' },
          { typ: 'groups', val: 'g-unmapped' },
          { typ: 'roles', val: 'OTA.Viewer' },
        ]),
      }),
      { groupRoles },
    );
    expect(principal?.roles.sort()).toEqual(['OTA.Approver', 'OTA.Operator', 'OTA.Viewer']);
    // Without a map, groups grant nothing.
    expect(principalFromHeaders(headers({ 'x-ms-client-principal': easyAuth([{ typ: 'groups', val: 'g-ops' }]) }))?.roles).toEqual([]);
  });
});

describe('authorizeRequest', () => {
  const request = (values: Record<string, string>) => new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/rollouts', headers: values });

  it('returns the principal when a role grants the permission', () => {
    const result = authorizeRequest(request({ 'x-ms-client-principal': easyAuth([{ typ: 'roles', val: 'OTA.Viewer' }]), 'x-ms-client-principal-name': 'v@contoso.com' }), 'rollouts.read');
    expect(result).toEqual({ ok: true, principal: { name: 'v@contoso.com', roles: ['OTA.Viewer'] } });
  });

  it.each([
    ['no principal', {}, 401],
    ['a malformed principal', { 'x-ms-client-principal': 'not base64 at all' }, 401],
    ['the wrong role', { 'x-ms-client-principal': easyAuth([{ typ: 'roles', val: 'OTA.Viewer' }]) }, 403],
  ])('answers %s with a problem+json %s', (_what, values, status) => {
    const result = authorizeRequest(request(values), 'rollouts.create');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.response.status).toBe(status);
    expect(result.response.headers).toEqual({ 'Content-Type': 'application/problem+json' });
    expect(result.response.jsonBody).toMatchObject({ status, title: status === 401 ? 'Unauthorized' : 'Forbidden' });
  });
});

describe('groupRolesFromSetting', () => {
  it('reads one role or a list per group; unset means no mapping', () => {
    expect(groupRolesFromSetting('{"g1":"OTA.Admin","g2":["OTA.Viewer","OTA.Approver"]}')).toEqual({ g1: ['OTA.Admin'], g2: ['OTA.Viewer', 'OTA.Approver'] });
    expect(groupRolesFromSetting(undefined)).toEqual({});
    expect(groupRolesFromSetting(' ')).toEqual({});
  });

  it.each([
    ['not JSON', '{g1: OTA.Admin}', /is not JSON/],
    ['an unknown role', '{"g1":"OTA.Root"}', /must map group ids/],
    ['not an object', '["OTA.Admin"]', /must map group ids/],
  ])('refuses %s at start-up', (_what, value, message) => {
    expect(() => groupRolesFromSetting(value)).toThrow(message);
  });
});
