import { principalFromHeaders } from '../../../functions/http/principal';
import { localPrincipalHeaders, may, userFromAuthMe } from '../../../dashboard/web/model/signed-in-user';

describe('the signed-in user', () => {
  it("reads App Service's /.auth/me: the user id and the app roles of either claim type", () => {
    const me = [{
      provider_name: 'aad', user_id: 'ann@contoso.com',
      user_claims: [{ typ: 'name', val: 'Ann' }, { typ: 'roles', val: 'OTA.Approver' }, { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'OTA.Viewer' }],
    }];
    expect(userFromAuthMe(me)).toEqual({ name: 'ann@contoso.com', roles: ['OTA.Approver', 'OTA.Viewer'], via: 'app-service' });
  });

  it('finds nobody in an empty or malformed /.auth/me answer', () => {
    expect(userFromAuthMe([])).toBeUndefined();
    expect(userFromAuthMe({ user_id: 'x' })).toBeUndefined();
    expect(userFromAuthMe([{ user_claims: [] }])).toBeUndefined();
  });

  it('sends local principal headers the app reads as the same user and roles (names outside ASCII too)', () => {
    const headers = localPrincipalHeaders({ name: 'zoë@contoso.com', roles: ['OTA.Operator'] });
    const principal = principalFromHeaders(new Headers(headers));
    expect(principal).toEqual({ name: 'zoë@contoso.com', roles: ['OTA.Operator'] });
  });

  it('shows an action only to roles the matrix grants it', () => {
    const viewer = { name: 'v', roles: ['OTA.Viewer'], via: 'local' as const };
    const approver = { name: 'a', roles: ['OTA.Approver'], via: 'local' as const };
    expect(may(viewer, 'rollouts.approve')).toBe(false);
    expect(may(approver, 'rollouts.approve')).toBe(true);
    expect(may(approver, 'rollouts.control')).toBe(false);
    expect(may(undefined, 'rollouts.read')).toBe(false);
  });
});
