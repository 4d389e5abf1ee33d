/** Names and payloads shared by the import orchestration and its activities. */
import type { PushedArtifact } from '../domain/imports/pushed-artifact';
import type { ManifestDelta } from '../domain/packages/manifest';
import type { UpdateId } from '../domain/updates/update';

export const importOrchestratorName = 'importOrchestrator';

export type ResolvedImport = { ignored: string } | { ruleId: string; updateId: UpdateId; deltaFromPrevious: number };

export interface StagedFile {
  fileName: string;
  sizeInBytes: number;
  sha256: string;
  /** Where the full file is kept (blob path), for firmware; images stay in their registry. */
  path?: string;
}

export interface ImportActivityContract {
  resolveImport: { input: PushedArtifact; output: ResolvedImport };
  stageFile: { input: { artifact: PushedArtifact; updateId: UpdateId }; output: StagedFile };
  generateDeltas: { input: { updateId: UpdateId; file: StagedFile; count: number }; output: ManifestDelta[] };
  publishManifest: { input: { artifact: PushedArtifact; ruleId: string; updateId: UpdateId; file: StagedFile; deltas: ManifestDelta[] }; output: { releaseCounter: number } };
  /** Starts the import rule's automatic rollout, if it has one: the rollout id, or why it was refused. */
  startAutoRollout: { input: { ruleId: string; updateId: UpdateId }; output: { rolloutId?: string; refused?: string } | null };
  recordImport: { input: { eventId: string; status: 'Imported' | 'Ignored' | 'Failed'; reason: string; updateId?: UpdateId; ruleId?: string }; output: null };
}

export type ImportActivityName = keyof ImportActivityContract;

export function importInstanceId(eventId: string): string {
  return `import-${eventId}`;
}
