/**
 * The App Service authentication headers a signed-in user's request carries, for local scripts and tests: locally
 * nothing signs users in, so callers say who they are and which app roles they hold, the same headers as in Azure.
 */
export function principalHeaders(name: string, roles: readonly string[] = ['OTA.Admin'], groups: readonly string[] = []): Record<string, string> {
  const claims = [{ typ: 'name', val: name }, ...roles.map((val) => ({ typ: 'roles', val })), ...groups.map((val) => ({ typ: 'groups', val }))];
  const principal = { auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims };
  return { 'x-ms-client-principal-name': name, 'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64') };
}
