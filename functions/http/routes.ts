/**
 * Every HTTP route of the app, once: method, path, who may call it, what it reads, and its handler. The functions
 * are registered from this table (functions/register-http.ts), and the README's role matrix
 * (`npm run docs:routes`) and the access-control tests are derived from it.
 */
import type { z } from 'zod';
import { approvalRequestSchema, rolloutRequestSchema, updateRequestSchema } from '../../application/requests/request-schemas';
import { maxRolloutBodyBytes } from '../../application/requests/request-limits';
import type { Permission } from '../../domain/access/roles';
import { auditQuery } from './governance-api';
import type { HttpServices, RouteHandler } from './http-services';
import { deviceListQuery } from './devices-api';
import { importListQuery, importRuleSchema } from './import-rules-api';
import { updateListQuery } from './updates-api';

/**
 * Who may call a route: a permission of the role matrix (domain/access/roles.ts), `anyone` (no sign-in), or
 * `signed-link` (the signed, expiring, single-use approval link in the URL is the credential).
 */
export type RouteAccess = Permission | 'anyone' | 'signed-link';

export interface RouteDefinition {
  /** The function's name (stable: telemetry and the host's logs use it). */
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Under /api, in the Functions route template syntax. */
  path: string;
  summary: string;
  access: RouteAccess;
  /** The request body's schema, where there is one (validated by the handler; documented from here). */
  body?: z.ZodType;
  /** Query parameters the route reads. */
  query?: readonly string[];
  /** The largest body accepted (default 256 KB). */
  maxBodyBytes?: number;
  /** Uses the durable client (to start or signal orchestrations). */
  durable?: boolean;
  /** undefined when the services it needs are not configured: the route is then not registered. */
  handler: (services: HttpServices) => RouteHandler | undefined;
}

const missing = () => undefined;

export const routes: readonly RouteDefinition[] = [
  {
    name: 'health', method: 'GET', path: 'health', access: 'anyone',
    summary: 'Version and the state of Blob storage and Cosmos DB (always 200; a dependency that is down shows as Degraded)',
    handler: (s) => s.health,
  },
  {
    name: 'openApi', method: 'GET', path: 'openapi.json', access: 'anyone',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
    handler: (s) => s.openApi,
  },
  {
    name: 'registerUpdate', method: 'POST', path: 'updates', access: 'updates.write', body: updateRequestSchema,
    summary: 'Register an update by hand (201; 409 if it exists)',
    handler: (s) => (request) => s.updates.register(request),
  },
  {
    name: 'listUpdates', method: 'GET', path: 'updates', access: 'updates.read', query: Object.keys(updateListQuery.shape),
    summary: 'One page of registered updates, filtered by provider and name',
    handler: (s) => (request) => s.updates.list(request),
  },
  {
    name: 'getUpdate', method: 'GET', path: 'updates/{provider}/{name}/{version}', access: 'updates.read',
    summary: 'One update with its manifest',
    handler: (s) => (request) => s.updates.get(request),
  },
  {
    name: 'createRollout', method: 'POST', path: 'rollouts', access: 'rollouts.create', body: rolloutRequestSchema, maxBodyBytes: maxRolloutBodyBytes, durable: true,
    summary: 'Create and start a rollout (201)',
    handler: (s) => (request, context) => s.rollouts(context).create(request),
  },
  {
    name: 'listRollouts', method: 'GET', path: 'rollouts', access: 'rollouts.read', query: ['status', 'limit', 'continuationToken'],
    summary: 'One page of rollouts, oldest first ({ items, continuationToken } and a Link header)',
    handler: (s) => (request, context) => s.rollouts(context).list(request),
  },
  {
    name: 'getRollout', method: 'GET', path: 'rollouts/{id}', access: 'rollouts.read',
    summary: 'A rollout: status, reason, waves, counts, approvals, spec',
    handler: (s) => (request, context) => s.rollouts(context).get(request),
  },
  {
    name: 'approveRollout', method: 'POST', path: 'rollouts/{id}/approvals', access: 'rollouts.approve', body: approvalRequestSchema, durable: true,
    summary: 'Approve or reject the current approval stage (the policy still decides whether this person may)',
    handler: (s) => (request, context) => s.rollouts(context).approve(request),
  },
  {
    name: 'controlRollout', method: 'POST', path: 'rollouts/{id}/{action:regex(^(pause|resume|cancel|rollback)$)}', access: 'rollouts.control', durable: true,
    summary: 'Pause, resume, cancel or roll back a rollout (202)',
    handler: (s) => (request, context) => s.rollouts(context).control(request),
  },
  {
    name: 'listDevices', method: 'GET', path: 'devices', access: 'devices.read', query: Object.keys(deviceListQuery.shape),
    summary: 'One page of devices (id, tags, installed version), filtered by site, model and installed version',
    handler: (s) => (request) => s.devices.list(request),
  },
  {
    name: 'getDevice', method: 'GET', path: 'devices/{id}', access: 'devices.read',
    summary: 'A device: tags, installed and desired version, install state, latest health message',
    handler: (s) => (request) => s.devices.get(request),
  },
  {
    name: 'inventoryReport', method: 'GET', path: 'inventory', access: 'devices.read', query: ['site', 'model', 'version', 'format', 'table'],
    summary: 'Which device runs what, since when, approved by whom',
    handler: (s) => (request) => s.reports.inventory(request),
  },
  {
    name: 'rolloutReport', method: 'GET', path: 'reports/rollouts/{id}', access: 'reports.read', query: ['format', 'table'],
    summary: "A rollout's report: waves, health timeline, cohort analysis, approvals (`?format=json|csv|html`)",
    handler: (s) => (request) => s.reports.rollout(request),
  },
  {
    name: 'complianceReport', method: 'GET', path: 'reports/compliance', access: 'reports.read', query: ['format', 'table'],
    summary: 'Exposure windows: time to 95 % and 100 % of eligible devices, devices still exposed',
    handler: (s) => (request) => s.reports.compliance(request),
  },
  {
    name: 'putImportRule', method: 'PUT', path: 'import-rules/{ruleId}', access: 'imports.rules.write', body: importRuleSchema,
    summary: 'Create or replace an import rule: decides what CI output gets signed',
    handler: (s) => (request) => s.imports.put(request),
  },
  {
    name: 'getImportRule', method: 'GET', path: 'import-rules/{ruleId}', access: 'imports.read',
    summary: 'One import rule',
    handler: (s) => (request) => s.imports.get(request),
  },
  {
    name: 'listImportRules', method: 'GET', path: 'import-rules', access: 'imports.read', query: ['limit', 'continuationToken'],
    summary: 'One page of import rules, by id',
    handler: (s) => (request) => s.imports.list(request),
  },
  {
    name: 'getImport', method: 'GET', path: 'imports/{eventId}', access: 'imports.read',
    summary: 'One import: its status and reason',
    handler: (s) => (request) => s.imports.getImport(request),
  },
  {
    name: 'listImports', method: 'GET', path: 'imports', access: 'imports.read', query: Object.keys(importListQuery.shape),
    summary: 'One page of imports, oldest first, filtered by status',
    handler: (s) => (request) => s.imports.listImports(request),
  },
  {
    name: 'listAudit', method: 'GET', path: 'audit', access: 'audit.read', query: Object.keys(auditQuery.shape),
    summary: 'One page of the audit trail in sequence order, filtered by subject',
    handler: (s) => (request) => s.governance.listAudit(request),
  },
  {
    name: 'verifyAudit', method: 'GET', path: 'audit/verify', access: 'audit.read',
    summary: "Verify the audit trail's hash chain; names the first broken link",
    handler: (s) => () => s.governance.verifyAudit(),
  },
  {
    name: 'getSigningKeys', method: 'GET', path: 'signing-keys', access: 'signing-keys.read',
    summary: 'The public keys that verify update manifests (JWKS)',
    handler: (s) => () => s.governance.signingKeys(),
  },
  {
    name: 'showApprovalLink', method: 'GET', path: 'approval-links/{token}', access: 'signed-link',
    summary: "An approval link's confirmation page; decides nothing (link scanners open every GET)",
    handler: (s) => (s.approvalLinks ? (request, context) => s.approvalLinks!(context).show(request) : missing()),
  },
  {
    name: 'useApprovalLink', method: 'POST', path: 'approval-links/{token}', access: 'signed-link', durable: true,
    summary: 'Use an approval link: checks it, uses it up, decides',
    handler: (s) => (s.approvalLinks ? (request, context) => s.approvalLinks!(context).use(request) : missing()),
  },
  {
    name: 'me', method: 'GET', path: 'me', access: 'anyone',
    summary: 'Who is signed in: name, roles, groups and the permissions they grant (401 with `signInUrl` when nobody is)',
    handler: (s) => s.me,
  },
  {
    name: 'dashboard', method: 'GET', path: 'dashboard/{*file}', access: 'anyone',
    summary: 'The dashboard page and its assets (hold no data: the page calls the API as the signed-in user)',
    handler: (s) => s.dashboard,
  },
  {
    name: 'localEvents', method: 'GET', path: 'local/events', access: 'audit.read', query: ['type', 'subject'],
    summary: 'Local stand-in only: the enterprise CloudEvents the app published',
    handler: (s) => s.localEvents,
  },
  {
    name: 'localTeamsInbox', method: 'GET', path: 'local/teams-inbox', access: 'anyone',
    summary: 'Local stand-in only: the Teams cards the app posted',
    handler: (s) => s.localTeamsInbox,
  },
];

/** A route's concrete paths: `{action:regex(^(pause|resume)$)}` becomes one path per value (other parameters stay). */
export function concretePaths(path: string): string[] {
  const choice = /\{\w+:regex\(\^\(([^)]*)\)\$\)\}/.exec(path);
  if (!choice) return [path];
  return choice[1]!.split('|').flatMap((value) => concretePaths(path.replace(choice[0], value)));
}
