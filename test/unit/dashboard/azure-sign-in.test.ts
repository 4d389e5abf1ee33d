/**
 * The dashboard's sign-in in Azure: the link GET /api/me's 401 carries (DASHBOARD_SIGN_IN_URL) is App Service
 * authentication's Entra sign-in, whose callback the deployment names for the app registration, and the local sample
 * leaves it empty so the local sign-in form shows instead.
 */
import { bicepSource, blockAfter, readRepoFile, topLevelEntries } from '../../support/bicep-text';

describe('dashboard sign-in in Azure', () => {
  const settings = topLevelEntries(blockAfter(bicepSource('infra/main.bicep'), 'var appSettings = {'));

  it("links to the Entra provider's sign-in, and names its callback as the registration's redirect URI", () => {
    expect(settings.get('DASHBOARD_SIGN_IN_URL')).toBe("'/.auth/login/aad'");
    expect(bicepSource('infra/main.bicep')).toMatch(/^output AUTH_REDIRECT_URI string = '\$\{functionApp\.outputs\.url\}\/\.auth\/login\/aad\/callback'$/m);
    const auth = bicepSource('infra/modules/app-auth.bicep');
    expect(auth).toMatch(/azureActiveDirectory: \{\s*enabled: !empty\(clientId\)/);
    // Anonymous requests reach the app, so /api/me itself answers 401 with the link (App Service would not).
    expect(auth).toMatch(/unauthenticatedClientAction: 'AllowAnonymous'/);
  });

  it('leaves it empty locally, where the dashboard offers its local sign-in form', () => {
    const sample = JSON.parse(readRepoFile('local.settings.sample.json')) as { Values: Record<string, string> };
    expect(sample.Values.DASHBOARD_SIGN_IN_URL).toBe('');
  });

  it('asks Entra for the group claims AUTH_GROUP_ROLES maps', () => {
    expect(JSON.parse(readRepoFile('infra/entra/group-claims.json'))).toEqual({ groupMembershipClaims: 'SecurityGroup' });
  });
});
