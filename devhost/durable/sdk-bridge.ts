/** Calls orchestrator and activity functions through the app's programming model, in the SDK's wire formats. */
import { registry, type RegisteredFunction } from '../functions-core';
import { fromTypedData, invokeFunction, jsonTypedData, triggerBindingOf, type InvocationInput, type LogSink } from '../invoker';

/** Values of extra input bindings (e.g. a durable client) that activities and entities may declare. */
export type BindingInputs = InvocationInput['extraInputsByType'];
import { fromJsonText, toJsonText, type HistoryEvent } from './history';
import type { Instance } from './model';
import type { OrchestratorRun, OrchestratorState } from './orchestration-episode';

const outOfProcMarker = '$OutOfProcData$:';

export function findFunction(name: string, triggerType: string): RegisteredFunction | undefined {
  const fn = registry.functions.get(name.toLowerCase());
  if (!fn) return undefined;
  return triggerBindingOf(fn)[1].type === triggerType ? fn : undefined;
}

export async function runOrchestrator(instance: Instance, history: HistoryEvent[], log: LogSink): Promise<OrchestratorRun> {
  const fn = findFunction(instance.name, 'orchestrationTrigger');
  if (!fn) return { ok: false, message: `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.` };
  const trigger = {
    history,
    input: fromJsonText(instance.input),
    instanceId: instance.instanceId,
    isReplaying: history.length > 0 && history[0]?.IsPlayed === true,
    parentInstanceId: instance.parent?.instanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 3,
    // The devhost has no limit on timer length, so the SDK never needs to split a timer.
    maximumShortTimerDuration: '36500.00:00:00',
    longRunningTimerIntervalDuration: '3.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  try {
    const outcome = await invokeFunction(fn, { trigger: jsonTypedData(trigger) }, log);
    // The live OrchestratorState keeps object identity: a task yielded again inside a new Task.any/Task.all shows up
    // as the same action object, which takes no new sequence number (JSON could not tell it from a new call).
    const state = (outcome.rawResult ?? fromTypedData(outcome.returnValue)) as OrchestratorState;
    return { ok: true, state };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    // The SDK puts the orchestrator's state after a marker; its `error` is the exception's message.
    const at = error.message.indexOf(outOfProcMarker);
    let message = error.message;
    if (at >= 0) {
      const state = JSON.parse(error.message.slice(at + outOfProcMarker.length)) as OrchestratorState;
      message = state.error ?? error.message.slice(0, at).trim();
    }
    return { ok: false, message, details: error.stack ?? '' };
  }
}

export type ActivityResult = { ok: true; result: string } | { ok: false; reason: string; details: string };

export async function runActivity(name: string, input: string, log: LogSink, bindings?: BindingInputs): Promise<ActivityResult> {
  const fn = findFunction(name, 'activityTrigger');
  if (!fn) return { ok: false, reason: `The function '${name}' doesn't exist, is disabled, or is not an activity function.`, details: '' };
  try {
    const outcome = await invokeFunction(fn, { trigger: { json: input }, extraInputsByType: bindings }, log);
    return { ok: true, result: toJsonText(fromTypedData(outcome.returnValue) ?? null) };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ok: false, reason: error.message, details: error.stack ?? '' };
  }
}

export interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string;
  results: { isError: boolean; result?: string }[];
  signals: { target: { name: string; key: string }; name: string; input: string; requestId: string }[];
}

export async function runEntity(name: string, trigger: Record<string, unknown>, log: LogSink, bindings?: BindingInputs): Promise<{ ok: true; state: EntityBatchResult } | { ok: false; reason: string }> {
  const fn = findFunction(name, 'entityTrigger');
  if (!fn) return { ok: false, reason: `The function '${name}' doesn't exist, is disabled, or is not an entity function.` };
  try {
    const outcome = await invokeFunction(fn, { trigger: jsonTypedData(trigger), extraInputsByType: bindings }, log);
    return { ok: true, state: fromTypedData(outcome.returnValue) as EntityBatchResult };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
