/** Governance endpoints: the audit trail, its verification, and the local log of enterprise events. */
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { AuditLog } from '../domain/audit/audit-log-port';
import { verifyAuditLog } from '../domain/audit/verify-chain';
import type { HashOf } from '../domain/audit/audit-entry';
import type { LocalEventLog } from '../adapters/eventgrid/local-event-log';
import type { Permission } from '../domain/access/roles';
import type { PrincipalOptions } from './http/principal';
import { validationProblem } from './http/problem';
import { secured } from './http/secured';

const auditQuery = z.strictObject({
  subject: z.string().min(1).optional(),
  fromSequence: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function registerGovernance(deps: { audit: AuditLog; hashOf: HashOf; localEvents?: LocalEventLog; access?: PrincipalOptions }): void {
  const route = (name: string, path: string, permission: Permission, handler: (request: HttpRequest) => Promise<HttpResponseInit>) =>
    app.http(name, { methods: ['GET'], route: path, authLevel: 'anonymous', handler: secured(permission, handler, deps.access) });

  route('listAudit', 'audit', 'audit.read', async (request) => {
    const parsed = auditQuery.safeParse(Object.fromEntries(request.query.entries()));
    if (!parsed.success) return validationProblem(parsed.error);
    return { status: 200, jsonBody: await deps.audit.list(parsed.data) };
  });
  route('verifyAudit', 'audit/verify', 'audit.read', async () => ({ status: 200, jsonBody: await verifyAuditLog(deps.audit, deps.hashOf) }));

  const localEvents = deps.localEvents;
  if (localEvents) {
    route('localEvents', 'local/events', 'audit.read', async (request) => ({
      status: 200,
      jsonBody: localEvents.list({ type: request.query.get('type') ?? undefined, subject: request.query.get('subject') ?? undefined }),
    }));
  }
}
