import { principalFromHeaders } from '../../../functions/http/principal';
import { localPrincipalHeaders, may, userFromMe } from '../../../dashboard/web/model/signed-in-user';

describe('the signed-in user', () => {
  it('reads GET /api/me: name, roles, groups and the permissions the service granted', () => {
    const me = { name: 'ann@contoso.com', roles: ['OTA.Approver'], groups: ['g-1'], permissions: ['rollouts.read', 'rollouts.approve'] };
    expect(userFromMe(me, 'session')).toEqual({ ...me, via: 'session' });
    expect(userFromMe({ name: null, roles: [], permissions: [] }, 'local')).toEqual({ name: 'someone without a name', roles: [], permissions: [], via: 'local' });
  });

  it('finds nobody in an answer that is not one', () => {
    expect(userFromMe(undefined, 'session')).toBeUndefined();
    expect(userFromMe({ name: 'x', roles: 'OTA.Admin', permissions: [] }, 'session')).toBeUndefined();
    expect(userFromMe({ name: 'x', roles: [] }, 'session')).toBeUndefined();
  });

  it('sends local principal headers the app reads as the same user and roles (names outside ASCII too)', () => {
    const headers = localPrincipalHeaders({ name: 'zoë@contoso.com', roles: ['OTA.Operator'] });
    const principal = principalFromHeaders(new Headers(headers));
    expect(principal).toEqual({ name: 'zoë@contoso.com', roles: ['OTA.Operator'] });
  });

  it('shows an action only when the service listed its permission (roles through groups included)', () => {
    const viaGroup = { name: 'a', roles: ['OTA.Approver'], groups: ['g-approvers'], permissions: ['rollouts.read' as const, 'rollouts.approve' as const], via: 'session' as const };
    expect(may(viaGroup, 'rollouts.approve')).toBe(true);
    expect(may(viaGroup, 'rollouts.create')).toBe(false);
    expect(may(undefined, 'rollouts.read')).toBe(false);
  });
});
