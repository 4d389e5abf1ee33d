/** Registers the import pipeline: Event Grid triggers, the import orchestration and its activities (the HTTP API: routes.ts). */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { createImportActivities, type ImportPorts } from '../activities/import-activities';
import { startAutoRolloutActivity, type StartAutomaticRollout } from '../activities/orchestration-activities';
import { signManifest } from '../adapters/signing/sign-manifest';
import { eventTypes } from '../domain/imports/pushed-artifact';
import { importOrchestratorName, type ImportActivityContract, type ImportActivityName } from '../orchestrations/import-contracts';
import { importOrchestrator } from '../orchestrations/import-orchestrator';
import { durableClientInput } from './durable-engine';
import { createImportTrigger } from './import-trigger';
import type { Signing } from './signing-setup';

export interface ImportWiring extends Omit<ImportPorts, 'signer' | 'now'> {
  signing: () => Promise<Signing>;
  /** The automatic-rollout use case of one invocation (it starts orchestrations through that invocation's client). */
  startAutomaticRollout: (context: InvocationContext) => StartAutomaticRollout;
  firmwareUploadContainer: string;
  now: () => Date;
}

export function registerImports(wiring: ImportWiring): void {
  const { signing, firmwareUploadContainer, now, startAutomaticRollout, ...ports } = wiring;
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
  df.app.activity('startAutoRollout', {
    extraInputs: [durableClientInput],
    handler: (input: ImportActivityContract['startAutoRollout']['input'], context: InvocationContext) =>
      startAutoRolloutActivity({ rules: ports.rules, startAutomaticRollout: startAutomaticRollout(context) })(input),
  });
  const triggerDeps = { records: ports.records, firmwareContainer: firmwareUploadContainer, now };
  app.eventGrid('onImagePushed', { extraInputs: [durableClientInput], handler: createImportTrigger(triggerDeps, eventTypes.imagePushed) });
  app.eventGrid('onFirmwareUploaded', { extraInputs: [durableClientInput], handler: createImportTrigger(triggerDeps, eventTypes.blobCreated) });
}
