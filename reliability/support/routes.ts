/**
 * Every HTTP route the app registers (functions/register-*.ts, functions/index.ts) and the Event Grid webhook, with a
 * valid example body per request schema (checked against the schema itself at start, so they follow its changes).
 */
import { approvalRequestSchema, rolloutRequestSchema, updateRequestSchema } from '../../application/requests/request-schemas';
import { importRuleSchema } from '../../functions/http/import-rules-api';
import type { z } from 'zod';

export interface FuzzRoute {
  name: string;
  method: string;
  /** `{param}` placeholders are filled with generated values. */
  path: string;
  /** A valid body (mutated by the fuzzer), for routes that read one. */
  body?: { example: unknown; schema?: z.ZodType };
  /** Query parameters the route reads. */
  query?: string[];
  /** A page for people (approval links open in a browser): its 4xx are HTML by design, not problem+json. */
  page?: boolean;
}

const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };

export const routes: FuzzRoute[] = [
  { name: 'health', method: 'GET', path: '/api/health' },
  {
    name: 'registerUpdate', method: 'POST', path: '/api/updates',
    body: { schema: updateRequestSchema, example: { updateId, compatibility: [{ model: 'ctl-a' }], files: [{ fileName: 'f.swu', sizeInBytes: 1, hashes: { sha256: 'aGFzaA==' } }], prerequisites: [{ name: 'boot', minVersion: '1.0.0' }] } },
  },
  { name: 'getUpdate', method: 'GET', path: '/api/updates/{provider}/{name}/{version}' },
  { name: 'listUpdates', method: 'GET', path: '/api/updates', query: ['name', 'provider'] },
  {
    name: 'createRollout', method: 'POST', path: '/api/rollouts',
    body: {
      schema: rolloutRequestSchema,
      example: {
        updateId, target: { deviceIds: ['a-0', 'a-1'] }, canary: { devices: 1 }, canarySoak: 'PT30M', waves: [{ percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
        healthCheckInterval: 'PT5M', deviceTimeout: 'PT30M', healthSilenceTimeout: 'PT15M', failureThreshold: { percent: 5, minDevices: 5, count: 3 },
        approval: { stages: [{ name: 'ops', approvers: ['ops-lead@contoso.com'], quorum: 1, timeout: 'PT24H' }] },
        maintenanceWindows: [{ site: 'plant-a', cron: '0 2 * * *', timeZone: 'Europe/Berlin', duration: 'PT2H' }],
        maxDevicesPerSecond: 10,
        analysis: { metrics: [{ name: 'cpu', direction: 'lower-is-better', maxRegressionPercent: 10, critical: true }], confidence: 0.95, minSamplesPerCohort: 10, inconclusive: 'extend', maxExtensions: 2 },
        sequencePrerequisites: false,
      },
    },
  },
  { name: 'listRollouts', method: 'GET', path: '/api/rollouts', query: ['status', 'continuationToken', 'limit'] },
  { name: 'getRollout', method: 'GET', path: '/api/rollouts/{id}' },
  { name: 'approveRollout', method: 'POST', path: '/api/rollouts/{id}/approvals', body: { schema: approvalRequestSchema, example: { decision: 'approve', comment: 'ok' } } },
  { name: 'pauseRollout', method: 'POST', path: '/api/rollouts/{id}/pause' },
  { name: 'resumeRollout', method: 'POST', path: '/api/rollouts/{id}/resume' },
  { name: 'cancelRollout', method: 'POST', path: '/api/rollouts/{id}/cancel' },
  { name: 'rollbackRollout', method: 'POST', path: '/api/rollouts/{id}/rollback' },
  { name: 'getDevice', method: 'GET', path: '/api/devices/{id}' },
  { name: 'showApprovalLink', method: 'GET', path: '/api/approval-links/{token}', page: true },
  { name: 'useApprovalLink', method: 'POST', path: '/api/approval-links/{token}', page: true },
  { name: 'localTeamsInbox', method: 'GET', path: '/api/local/teams-inbox' },
  { name: 'listAudit', method: 'GET', path: '/api/audit', query: ['subject', 'fromSequence', 'limit'] },
  { name: 'verifyAudit', method: 'GET', path: '/api/audit/verify' },
  { name: 'localEvents', method: 'GET', path: '/api/local/events', query: ['type', 'subject'] },
  {
    name: 'putImportRule', method: 'PUT', path: '/api/import-rules/{ruleId}',
    body: { schema: importRuleSchema, example: { source: { blobPrefix: 'fw/' }, update: { provider: 'contoso', name: 'line-controller' }, compatibility: [{ model: 'ctl-a' }], deltaFromPrevious: 1, manifestLifetimeDays: 30 } },
  },
  { name: 'getImportRule', method: 'GET', path: '/api/import-rules/{ruleId}' },
  { name: 'listImportRules', method: 'GET', path: '/api/import-rules' },
  { name: 'getImport', method: 'GET', path: '/api/imports/{eventId}' },
  { name: 'listImports', method: 'GET', path: '/api/imports', query: ['status'] },
  { name: 'getSigningKeys', method: 'GET', path: '/api/signing-keys' },
  { name: 'inventoryReport', method: 'GET', path: '/api/inventory', query: ['site', 'model', 'version'] },
  { name: 'rolloutReport', method: 'GET', path: '/api/reports/rollouts/{id}', query: ['format'] },
  { name: 'complianceReport', method: 'GET', path: '/api/reports/compliance', query: ['version', 'format'] },
];

/** The Event Grid webhook's two functions; bodies are arrays of events (a valid example per event type). */
export const eventGridRoutes: FuzzRoute[] = [
  {
    name: 'onFirmwareUploaded', method: 'POST', path: '/runtime/webhooks/eventgrid?functionName=onFirmwareUploaded',
    body: {
      example: [{ id: 'evt-1', subject: '/blobServices/default/containers/firmware-uploads/blobs/fw/x-1.0.0.bin', eventType: 'Microsoft.Storage.BlobCreated', eventTime: '2026-01-01T00:00:00Z', dataVersion: '', metadataVersion: '1', data: { api: 'PutBlob', contentLength: 10, blobType: 'BlockBlob', url: 'http://127.0.0.1:1/devstoreaccount1/firmware-uploads/fw/x-1.0.0.bin' } }],
    },
  },
  {
    name: 'onImagePushed', method: 'POST', path: '/runtime/webhooks/eventgrid?functionName=onImagePushed',
    body: {
      example: [{ id: 'evt-2', subject: 'edge/line-controller:1.0.0', eventType: 'Microsoft.ContainerRegistry.ImagePushed', eventTime: '2026-01-01T00:00:00Z', dataVersion: '1.0', metadataVersion: '1', data: { target: { repository: 'edge/line-controller', tag: '1.0.0', digest: 'sha256:00' }, request: { host: 'contoso.azurecr.io' } } }],
    },
  },
];

/** Throws when an example no longer satisfies its schema (the fuzzer's starting points must be valid requests). */
export function checkExamples(): void {
  for (const route of routes) {
    if (!route.body?.schema) continue;
    const parsed = route.body.schema.safeParse(route.body.example);
    if (!parsed.success) throw new Error(`the example body of ${route.name} is not valid: ${parsed.error.message}`);
  }
}
