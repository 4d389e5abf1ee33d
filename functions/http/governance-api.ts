/** GET /api/audit, GET /api/audit/verify, GET /api/signing-keys, and the local log of enterprise events. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { HashOf } from '../../domain/audit/audit-entry';
import type { AuditLog } from '../../domain/audit/audit-log-port';
import { verifyAuditLog } from '../../domain/audit/verify-chain';
import { pagedResponse } from './paging';
import { problem, validationProblem } from './problem';

/** `continuationToken` is the sequence number the next page starts at (as `fromSequence`). */
export const auditQuery = z.strictObject({
  subject: z.string().min(1).max(512).optional(),
  fromSequence: z.coerce.number().int().positive().optional(),
  continuationToken: z.string().regex(/^[1-9]\d{0,15}$/, 'not issued by this list').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function createGovernanceApi(deps: { audit: AuditLog; hashOf: HashOf; signingKeys: () => Promise<unknown> }) {
  return {
    async listAudit(request: HttpRequest): Promise<HttpResponseInit> {
      const parsed = auditQuery.safeParse(Object.fromEntries(request.query.entries()));
      if (!parsed.success) return validationProblem(parsed.error);
      const { continuationToken, fromSequence, ...filter } = parsed.data;
      const from = continuationToken !== undefined ? Number(continuationToken) : fromSequence;
      const items = await deps.audit.list({ ...filter, ...(from !== undefined ? { fromSequence: from } : {}) });
      // A full page may have more after it: the next starts after its last entry.
      const last = items.length === filter.limit ? items.at(-1) : undefined;
      return pagedResponse(request, { items, ...(last ? { continuationToken: String(last.sequence + 1) } : {}) });
    },
    async verifyAudit(): Promise<HttpResponseInit> {
      return { status: 200, jsonBody: await verifyAuditLog(deps.audit, deps.hashOf) };
    },
    /** Public keys only; 503 while signing is not set up (the app starts before it is). */
    async signingKeys(): Promise<HttpResponseInit> {
      try {
        return { status: 200, jsonBody: await deps.signingKeys() };
      } catch (err) {
        return problem(503, 'Signing not available', err instanceof Error ? err.message : String(err));
      }
    },
  };
}
