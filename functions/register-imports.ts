/** Registers the import pipeline: Event Grid triggers, the import orchestration and activities, and its HTTP API. */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { createImportActivities, type ImportPorts } from '../activities/import-activities';
import { signManifest } from '../adapters/signing/sign-manifest';
import { eventTypes } from '../domain/imports/pushed-artifact';
import { importOrchestratorName, type ImportActivityContract, type ImportActivityName } from '../orchestrations/import-contracts';
import type { RolloutStarter } from './register-rollouts';
import type { Permission } from '../domain/access/roles';
import type { PrincipalOptions } from './http/principal';
import { secured } from './http/secured';
import { importOrchestrator } from '../orchestrations/import-orchestrator';
import { createImportRulesApi } from './http/import-rules-api';
import { problem } from './http/problem';
import { createImportTrigger } from './import-trigger';
import type { Signing } from './signing-setup';

export interface ImportWiring extends Omit<ImportPorts, 'signer' | 'now'> {
  signing: () => Promise<Signing>;
  startRollout: RolloutStarter;
  access?: PrincipalOptions;
  firmwareUploadContainer: string;
  now: () => Date;
}

export function registerImports(wiring: ImportWiring): void {
  const { signing, firmwareUploadContainer, now, startRollout, access: _access, ...ports } = wiring;
  df.app.orchestration(importOrchestratorName, importOrchestrator);
  const activities = createImportActivities({
    ...ports, now,
    signer: async () => {
      const { signer } = await signing();
      return { keyId: signer.keyId, sign: (manifest) => signManifest(manifest, signer) };
    },
  });
  for (const [name, handler] of Object.entries(activities) as [ImportActivityName, (input: never) => Promise<unknown>][]) {
    df.app.activity(name, { handler: (input: unknown) => handler(input as never) });
  }

  const client = df.input.durableClient();
  df.app.activity('startAutoRollout', {
    extraInputs: [client],
    handler: async ({ ruleId, updateId }: ImportActivityContract['startAutoRollout']['input'], context: InvocationContext) => {
      const rule = await ports.rules.get(ruleId);
      if (!rule?.autoRollout) return null;
      return startRollout(updateId, rule.autoRollout, `import-rule:${ruleId}`, context);
    },
  });
  const triggerDeps = { records: ports.records, firmwareContainer: firmwareUploadContainer, now };
  app.eventGrid('onImagePushed', { extraInputs: [client], handler: createImportTrigger(triggerDeps, eventTypes.imagePushed) });
  app.eventGrid('onFirmwareUploaded', { extraInputs: [client], handler: createImportTrigger(triggerDeps, eventTypes.blobCreated) });

  const api = createImportRulesApi({ rules: ports.rules, records: ports.records, now });
  const route = (name: string, methods: ('GET' | 'PUT')[], path: string, permission: Permission, handler: (request: HttpRequest) => Promise<HttpResponseInit>) =>
    app.http(name, { methods, route: path, authLevel: 'anonymous', handler: secured(permission, handler, wiring.access) });
  route('putImportRule', ['PUT'], 'import-rules/{ruleId}', 'imports.rules.write', (request) => api.put(request));
  route('getImportRule', ['GET'], 'import-rules/{ruleId}', 'imports.read', (request) => api.get(request));
  route('listImportRules', ['GET'], 'import-rules', 'imports.read', () => api.list());
  route('getImport', ['GET'], 'imports/{eventId}', 'imports.read', (request) => api.getImport(request));
  route('listImports', ['GET'], 'imports', 'imports.read', (request) => api.listImports(request));
  route('listUpdates', ['GET'], 'updates', 'updates.read', async (request) => {
    const name = request.query.get('name') ?? undefined;
    const provider = request.query.get('provider') ?? undefined;
    return { status: 200, jsonBody: await ports.updates.list({ ...(name ? { name } : {}), ...(provider ? { provider } : {}) }) };
  });
  route('getSigningKeys', ['GET'], 'signing-keys', 'signing-keys.read', async () => {
    try {
      return { status: 200, jsonBody: await (await signing()).signingKeys(now()) };
    } catch (err) {
      return problem(503, 'Signing not available', err instanceof Error ? err.message : String(err));
    }
  });
}
