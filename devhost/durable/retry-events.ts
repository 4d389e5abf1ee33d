/**
 * The host's half of `callActivityWithRetry` / `callSubOrchestratorWithRetry` (protocol §3 rule 5): after each
 * failure of a retried task the SDK takes the next sequence number for a retry timer, and when that timer fires
 * with attempts left it takes another for the re-scheduled attempt. Both happen while the SDK processes that one
 * event, so such events are delivered first in an episode, before any event that could resume user code.
 */
import { EventType, type HistoryEvent } from './history';
import type { Instance, OrchestratorMessage, RetryState } from './model';

export function retryOfFailure(instance: Instance, event: HistoryEvent): RetryState | undefined {
  if (event.EventType !== EventType.TaskFailed && event.EventType !== EventType.SubOrchestrationInstanceFailed) return undefined;
  return Object.values(instance.retries).find((r) => r.currentId === event.TaskScheduledId && r.timerId === undefined);
}

export function retryOfTimer(instance: Instance, event: HistoryEvent): RetryState | undefined {
  if (event.EventType !== EventType.TimerFired) return undefined;
  return Object.values(instance.retries).find((r) => r.timerId === event.TimerId);
}

export function retryOfCompletion(instance: Instance, event: HistoryEvent): string | undefined {
  if (event.EventType !== EventType.TaskCompleted && event.EventType !== EventType.SubOrchestrationInstanceCompleted) return undefined;
  return Object.keys(instance.retries).find((key) => instance.retries[key]?.currentId === event.TaskScheduledId);
}

/** Events that take a sequence number inside the SDK; they go first, in arrival order. */
export function isSequenceTaking(instance: Instance, event: HistoryEvent): boolean {
  if (retryOfFailure(instance, event)) return true;
  const timerRetry = retryOfTimer(instance, event);
  return timerRetry !== undefined && timerRetry.attempt < timerRetry.options.maxNumberOfAttempts;
}

export function orderForDelivery(instance: Instance, messages: OrchestratorMessage[]): OrchestratorMessage[] {
  const first = messages.filter((m) => isSequenceTaking(instance, m.event));
  const rest = messages.filter((m) => !isSequenceTaking(instance, m.event));
  return [...first, ...rest];
}
