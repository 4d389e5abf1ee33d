import { authorize, permissions, roles, type Permission, type Role } from '../../../../domain/access/roles';

// The documented matrix, spelled out again on purpose: changing who may do what must change this table too.
//                                     Viewer Operator Approver Admin
const expected: Record<Permission, [boolean, boolean, boolean, boolean]> = {
  'updates.read': /*            */ [true, true, true, true],
  'updates.write': /*           */ [false, true, false, true],
  'rollouts.read': /*           */ [true, true, true, true],
  'rollouts.create': /*         */ [false, true, false, true],
  'rollouts.control': /*        */ [false, true, false, true],
  'rollouts.approve': /*        */ [false, false, true, true],
  'devices.read': /*            */ [true, true, true, true],
  'imports.read': /*            */ [true, true, true, true],
  'imports.rules.write': /*     */ [false, false, false, true],
  'audit.read': /*              */ [true, true, true, true],
  'reports.read': /*            */ [true, true, true, true],
  'signing-keys.read': /*       */ [true, true, true, true],
};

const cases = (Object.keys(expected) as Permission[]).flatMap((permission) =>
  roles.map((role, i) => [permission, role, expected[permission][i]] as [Permission, Role, boolean]),
);

describe('the permission matrix', () => {
  it('covers exactly the documented permissions', () => {
    expect(Object.keys(permissions).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(cases)('%s with %s only: allowed %s', (permission, role, allowed) => {
    const decision = authorize({ name: 'someone@contoso.com', roles: [role] }, permission);
    expect(decision.ok).toBe(allowed);
    if (!decision.ok) expect(decision).toMatchObject({ status: 403, reason: expect.stringContaining(permission) });
  });

  it('gives Admin every permission and Viewer only reads', () => {
    for (const permission of Object.keys(permissions) as Permission[]) {
      expect(authorize({ roles: ['OTA.Admin'] }, permission).ok).toBe(true);
      expect(authorize({ roles: ['OTA.Viewer'] }, permission).ok).toBe(permission.endsWith('.read'));
    }
  });

  it('never lets one role both start and approve a rollout, except Admin', () => {
    for (const role of roles.filter((r) => r !== 'OTA.Admin')) {
      const can = (permission: Permission) => authorize({ roles: [role] }, permission).ok;
      expect(can('rollouts.create') && can('rollouts.approve')).toBe(false);
    }
  });
});

describe('authorize', () => {
  it('answers 401 without a principal, whatever the permission', () => {
    expect(authorize(undefined, 'updates.read')).toEqual({ ok: false, status: 401, reason: expect.stringMatching(/Sign-in required/) });
  });

  it('answers 403 for a principal with no roles, or only roles that are not ours', () => {
    expect(authorize({ name: 'a@contoso.com', roles: [] }, 'rollouts.read')).toMatchObject({ ok: false, status: 403 });
    expect(authorize({ roles: ['Other.Admin', 'ota.admin'] }, 'rollouts.read')).toMatchObject({ ok: false, status: 403 });
  });

  it('grants when any one of several roles does', () => {
    expect(authorize({ roles: ['OTA.Viewer', 'OTA.Approver'] }, 'rollouts.approve')).toEqual({ ok: true });
  });
});
