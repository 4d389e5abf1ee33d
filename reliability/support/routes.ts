/**
 * Every HTTP route of the app's route table and the Event Grid webhook, with a valid example body per request schema
 * (checked against the schema itself at start, so they follow its changes).
 */
import { concretePaths, routes as table } from '../../functions/http/routes';
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

/** A valid example body of every route that reads one (the fuzzer mutates these). */
const examples: Record<string, unknown> = {
  registerUpdate: { updateId, compatibility: [{ model: 'ctl-a' }], files: [{ fileName: 'f.swu', sizeInBytes: 1, hashes: { sha256: 'aGFzaA==' } }], prerequisites: [{ name: 'boot', minVersion: '1.0.0' }] },
  createRollout: {
    updateId, target: { deviceIds: ['a-0', 'a-1'] }, canary: { devices: 1 }, canarySoak: 'PT30M', waves: [{ percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
    healthCheckInterval: 'PT5M', deviceTimeout: 'PT30M', healthSilenceTimeout: 'PT15M', failureThreshold: { percent: 5, minDevices: 5, count: 3 },
    approval: { stages: [{ name: 'ops', approvers: ['ops-lead@contoso.com'], quorum: 1, timeout: 'PT24H' }] },
    maintenanceWindows: [{ site: 'plant-a', cron: '0 2 * * *', timeZone: 'Europe/Berlin', duration: 'PT2H' }],
    maxDevicesPerSecond: 10,
    analysis: { metrics: [{ name: 'cpu', direction: 'lower-is-better', maxRegressionPercent: 10, critical: true }], confidence: 0.95, minSamplesPerCohort: 10, inconclusive: 'extend', maxExtensions: 2 },
    sequencePrerequisites: false,
  },
  approveRollout: { decision: 'approve', comment: 'ok' },
  putImportRule: { source: { blobPrefix: 'fw/' }, update: { provider: 'contoso', name: 'line-controller' }, compatibility: [{ model: 'ctl-a' }], deltaFromPrevious: 1, manifestLifetimeDays: 30 },
};

/** Every route of the app's route table (functions/http/routes.ts), so a new route is fuzzed the day it is added. */
export const routes: FuzzRoute[] = table.flatMap((route) => concretePaths(route.path).map((path) => ({
  name: path === route.path ? route.name : `${route.name}:${path.split('/').at(-1)}`,
  method: route.method,
  path: `/api/${path}`,
  ...(route.body ? { body: { schema: route.body, example: examples[route.name] } } : {}),
  ...(route.query ? { query: [...route.query] } : {}),
  ...(route.access === 'signed-link' ? { page: true } : {}),
})));

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
    if (route.body.example === undefined) throw new Error(`the route ${route.name} reads a body: give it an example in reliability/support/routes.ts`);
    const parsed = route.body.schema.safeParse(route.body.example);
    if (!parsed.success) throw new Error(`the example body of ${route.name} is not valid: ${parsed.error.message}`);
  }
}
