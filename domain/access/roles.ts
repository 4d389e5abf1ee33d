/**
 * Who may do what. Roles are Entra ID app roles (or groups mapped to them by configuration) as App Service
 * authentication presents them (functions/http/principal.ts). `permissions` below is the matrix; each route names
 * the one permission it needs in the route table (functions/http/routes.ts), and the README's table of routes and
 * roles is rendered from both (`npm run docs:routes`).
 *
 * Viewer reads; Operator also publishes and runs rollouts; Approver also approves, but cannot start or steer a
 * rollout (so one person holding one role cannot push software alone); Admin has every permission. Whether an
 * approver may decide on a given rollout is the approval policy's rule (domain/rollouts/approval-rules.ts).
 */

/** Role values as configured in the app registration. Stored and configured values: never rename one. */
export const roles = ['OTA.Viewer', 'OTA.Operator', 'OTA.Approver', 'OTA.Admin'] as const;
export type Role = (typeof roles)[number];

export type Permission =
  | 'updates.read'
  | 'updates.write'
  | 'rollouts.read'
  | 'rollouts.create'
  | 'rollouts.control'
  | 'rollouts.approve'
  | 'devices.read'
  | 'imports.read'
  | 'imports.rules.write'
  | 'audit.read'
  | 'reports.read'
  | 'signing-keys.read';

const readers: readonly Role[] = roles;
const operators: readonly Role[] = ['OTA.Operator', 'OTA.Admin'];

/** The matrix above: the roles that grant each permission. */
export const permissions: Readonly<Record<Permission, readonly Role[]>> = {
  'updates.read': readers,
  'updates.write': operators,
  'rollouts.read': readers,
  'rollouts.create': operators,
  'rollouts.control': operators,
  'rollouts.approve': ['OTA.Approver', 'OTA.Admin'],
  'devices.read': readers,
  'imports.read': readers,
  'imports.rules.write': ['OTA.Admin'],
  'audit.read': readers,
  'reports.read': readers,
  'signing-keys.read': readers,
};

/** The authenticated caller; `roles` may hold values that are not ours (other apps' roles): they grant nothing. */
export interface Principal {
  name?: string;
  roles: string[];
  /** Entra group object ids (group claims), for approver lists that name groups as `group:<id>`. */
  groups?: string[];
}

export type Authorization = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/** No principal → 401 (not signed in); a principal without a granting role → 403. */
export function authorize(principal: Principal | undefined, permission: Permission): Authorization {
  if (!principal) return { ok: false, status: 401, reason: 'Sign-in required: the request carries no authenticated principal.' };
  const granting: readonly string[] = permissions[permission] ?? [];
  if (principal.roles.some((role) => granting.includes(role))) return { ok: true };
  const who = principal.name ?? 'The caller';
  return { ok: false, status: 403, reason: `${who} lacks ${permission}: it needs one of the roles ${granting.join(', ')}.` };
}
