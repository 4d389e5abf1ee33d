/** Replay problems a host must report instead of hanging (protocol §3 rule 8, and "waits on nothing"). */
import { ActionType, consumesSequenceNumber, describeAction, type Action } from './actions';
import { EventType, type HistoryEvent } from './history';
import type { Instance } from './model';

const schedulingEvents = new Set([EventType.TaskScheduled, EventType.SubOrchestrationInstanceCreated, EventType.TimerCreated, EventType.EventSent]);

function describeEvent(event: HistoryEvent): string {
  const kind = EventType[event.EventType];
  return event.Name ? `${kind} '${event.Name}'` : kind;
}

function matches(action: Action, event: HistoryEvent): boolean {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return event.EventType === EventType.TaskScheduled && event.Name === action.functionName;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return event.EventType === EventType.SubOrchestrationInstanceCreated && event.Name === action.functionName;
    case ActionType.CreateTimer:
      return event.EventType === EventType.TimerCreated;
    default:
      return event.EventType === EventType.EventSent;
  }
}

/**
 * Compares the actions a replay produced with what history says was scheduled, in sequence order.
 * Returns a message naming both sides at the first difference, or undefined.
 */
export function checkReplay(history: readonly HistoryEvent[], replayedLeaves: readonly Action[], isDone: boolean): string | undefined {
  const scheduled = history
    .filter((e) => schedulingEvents.has(e.EventType) && e.RetryOf === undefined)
    .sort((a, b) => a.EventId - b.EventId);
  const replayed = replayedLeaves.filter(consumesSequenceNumber);
  for (let i = 0; i < Math.min(scheduled.length, replayed.length); i++) {
    const event = scheduled[i]!;
    const action = replayed[i]!;
    if (!matches(action, event)) {
      return (
        `Non-deterministic workflow detected: at sequence number ${event.EventId} the history has ${describeEvent(event)} ` +
        `but the orchestrator code now asks for ${describeAction(action)}. Orchestrator code must make the same calls in the same order on every replay.`
      );
    }
  }
  if (!isDone && replayed.length < scheduled.length) {
    const missing = scheduled[replayed.length]!;
    return (
      `Non-deterministic workflow detected: the history has ${describeEvent(missing)} at sequence number ${missing.EventId} ` +
      `but the orchestrator code no longer asks for it (${replayed.length} of ${scheduled.length} scheduled actions replayed).`
    );
  }
  return undefined;
}

/** A running orchestration with nothing that could ever wake it gets a warning. */
export function findWaitingOnNothing(history: readonly HistoryEvent[], leaves: readonly Action[], instance: Instance): string | undefined {
  const open = new Set<number>();
  for (const e of history) {
    if (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) open.add(e.EventId);
    else if (e.EventType === EventType.TimerCreated && (instance.openTimers[e.EventId] || e.RetryOf !== undefined)) open.add(e.EventId);
    else if (e.TaskScheduledId !== undefined) open.delete(e.TaskScheduledId);
    else if (e.EventType === EventType.TimerFired && e.TimerId !== undefined) open.delete(e.TimerId);
  }
  const entityCalls = new Set(history.filter((e) => e.EventType === EventType.EventSent && !e.Signal && e.RequestId).map((e) => e.RequestId));
  for (const e of history) if (e.EventType === EventType.EventRaised && e.Name) entityCalls.delete(e.Name);
  if (entityCalls.size > 0) return undefined;
  if (open.size > 0) return undefined;
  const raised = new Map<string, number>();
  for (const e of history) if (e.EventType === EventType.EventRaised && e.Name) raised.set(e.Name, (raised.get(e.Name) ?? 0) + 1);
  const waits = new Map<string, number>();
  for (const a of leaves) {
    if (a.actionType === ActionType.WaitForExternalEvent && a.externalEventName) {
      waits.set(a.externalEventName, (waits.get(a.externalEventName) ?? 0) + 1);
    }
  }
  for (const [name, count] of waits) if (count > (raised.get(name) ?? 0)) return undefined;
  return (
    'The orchestration is waiting on nothing: no activity, timer, sub-orchestration or external event it awaits is pending, ' +
    'so it can never continue (did it yield a task that was already completed or cancelled?).'
  );
}
