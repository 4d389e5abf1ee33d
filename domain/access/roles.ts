/**
 * Who may do what. Roles are Entra ID app roles (or groups mapped to them by configuration) as App Service
 * authentication presents them (functions/http/principal.ts). The matrix is data, so endpoints, docs and tests
 * all read the same table:
 *
 * | permission          | what it covers                                                   | Viewer | Operator | Approver | Admin |
 * |---------------------|------------------------------------------------------------------|:------:|:--------:|:--------:|:-----:|
 * | updates.read        | GET /api/updates…                                                |   x    |    x     |    x     |   x   |
 * | updates.write       | POST /api/updates (register an update by hand)                   |        |    x     |          |   x   |
 * | rollouts.read       | GET /api/rollouts…                                               |   x    |    x     |    x     |   x   |
 * | rollouts.create     | POST /api/rollouts                                               |        |    x     |          |   x   |
 * | rollouts.control    | POST /api/rollouts/{id}/pause, resume, cancel, rollback          |        |    x     |          |   x   |
 * | rollouts.approve    | POST /api/rollouts/{id}/approvals (the approval policy still     |        |          |    x     |   x   |
 * |                     | decides whether this person may approve this rollout)            |        |          |          |       |
 * | devices.read        | GET /api/devices/{id}, GET /api/inventory                        |   x    |    x     |    x     |   x   |
 * | imports.read        | GET /api/imports…, GET /api/import-rules…                        |   x    |    x     |    x     |   x   |
 * | imports.rules.write | PUT /api/import-rules/{id}: decides what CI output gets signed   |        |          |          |   x   |
 * | audit.read          | GET /api/audit, GET /api/audit/verify                            |   x    |    x     |    x     |   x   |
 * | reports.read        | GET /api/reports/…                                               |   x    |    x     |    x     |   x   |
 * | signing-keys.read   | GET /api/signing-keys (public keys only)                         |   x    |    x     |    x     |   x   |
 *
 * Viewer reads; Operator also publishes and runs rollouts; Approver also approves, but cannot start or steer a
 * rollout (so one person holding one role cannot push software alone); Admin has every permission.
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
