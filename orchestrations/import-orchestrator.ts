/**
 * One instance per Event Grid event (instance id from the event id): resolve the import rule and version, stage and
 * hash the file, generate deltas from earlier versions, build + sign + store the manifest and register the update.
 * Whatever the outcome, the import record says what happened and why.
 */
import * as df from 'durable-functions';
import type { PushedArtifact } from '../domain/imports/pushed-artifact';
import type { ImportActivityContract, ImportActivityName } from './import-contracts';

const retry = new df.RetryOptions(2000, 3);

function call<K extends ImportActivityName>(context: df.OrchestrationContext, name: K, input: ImportActivityContract[K]['input']): df.Task {
  return context.df.callActivityWithRetry(name, retry, input);
}

export function* importOrchestrator(context: df.OrchestrationContext): Generator<df.Task, string, unknown> {
  const artifact = context.df.getInput() as PushedArtifact;
  const record = (status: 'Imported' | 'Ignored' | 'Failed', reason: string, extra: Partial<ImportActivityContract['recordImport']['input']> = {}) =>
    call(context, 'recordImport', { eventId: artifact.eventId, status, reason, ...extra });
  try {
    const resolved = (yield call(context, 'resolveImport', artifact)) as ImportActivityContract['resolveImport']['output'];
    if ('ignored' in resolved) {
      yield record('Ignored', resolved.ignored);
      return 'Ignored';
    }
    const { ruleId, updateId } = resolved;
    const file = (yield call(context, 'stageFile', { artifact, updateId })) as ImportActivityContract['stageFile']['output'];
    const deltas = artifact.kind === 'blob' && resolved.deltaFromPrevious > 0
      ? ((yield call(context, 'generateDeltas', { updateId, file, count: resolved.deltaFromPrevious })) as ImportActivityContract['generateDeltas']['output'])
      : [];
    const { releaseCounter } = (yield call(context, 'publishManifest', { artifact, ruleId, updateId, file, deltas })) as ImportActivityContract['publishManifest']['output'];
    const auto = (yield call(context, 'startAutoRollout', { ruleId, updateId })) as ImportActivityContract['startAutoRollout']['output'];
    const rollout = auto?.rolloutId ? `; automatic rollout ${auto.rolloutId} started` : auto?.refused ? `; automatic rollout refused: ${auto.refused}` : '';
    yield record('Imported', `imported ${updateId.provider}/${updateId.name} ${updateId.version} (release ${releaseCounter}${deltas.length ? `, ${deltas.length} deltas` : ''})${rollout}`, { updateId, ruleId });
    return 'Imported';
  } catch (err) {
    // The first line that says something: a failed activity's message may start with a blank line.
    const message = (err instanceof Error ? err.message : String(err)).split('\n').map((line) => line.trim()).find(Boolean) ?? 'no reason given';
    yield record('Failed', `import failed: ${message}`);
    return 'Failed';
  }
}
