/**
 * One orchestrator episode: deliver new events, replay the whole history through the real durable-functions SDK,
 * and turn the actions it returns into history, work items and timers — one Transaction.
 */
import { ActionType, consumesSequenceNumber, decodeActionInput, describeAction, flattenActions, retryDelayMs, type Action } from './actions';
import { EventType, historyEvent, toJsonText, type HistoryEvent } from './history';
import type { Instance, OrchestratorMessage, RetryState, Transaction } from './model';
import { orderForDelivery, retryOfCompletion, retryOfFailure, retryOfTimer } from './retry-events';
import { checkReplay, findWaitingOnNothing } from './replay-checks';

export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export type OrchestratorRun = { ok: true; state: OrchestratorState } | { ok: false; message: string; details?: string };

export interface EpisodeDeps {
  now: Date;
  runOrchestrator(instance: Instance, history: HistoryEvent[]): Promise<OrchestratorRun>;
  /** An existing instance with this id, if any (sub-orchestration ids must be free). */
  findInstance(instanceId: string): Instance | undefined;
  newExecutionId(): string;
  warn(message: string): void;
}

const played = (e: HistoryEvent): HistoryEvent => ({ ...e, IsPlayed: true });

export function newInstance(name: string, instanceId: string, input: string, executionId: string, now: Date, parent?: Instance['parent']): Instance {
  return {
    instanceId, name, executionId, status: 'Pending', input, output: 'null', customStatus: 'null',
    createdTime: now.toISOString(), lastUpdatedTime: now.toISOString(), parent,
    leafCount: 0, nextSequence: 0, openTimers: {}, retries: {},
  };
}

export function startMessage(instance: Instance, now: Date): OrchestratorMessage {
  const parent = instance.parent;
  return {
    id: `${instance.instanceId}|${instance.executionId}|start`,
    instanceId: instance.instanceId,
    executionId: instance.executionId,
    event: historyEvent(EventType.ExecutionStarted, now, {
      Name: instance.name,
      Input: instance.input,
      OrchestrationInstance: { InstanceId: instance.instanceId, ExecutionId: instance.executionId },
      ParentInstance: parent
        ? { Name: parent.name, OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId }, TaskScheduleId: parent.taskScheduledId }
        : null,
    }),
  };
}

/** Builds the episode's Transaction. The instance object is updated in place (the store keeps that object). */
export class Episode {
  readonly tx: Transaction;
  #events: HistoryEvent[] = [];
  #continued = false;
  readonly #instance: Instance;
  readonly #deps: EpisodeDeps;

  constructor(instance: Instance, deps: EpisodeDeps) {
    this.#instance = instance;
    this.#deps = deps;
    this.tx = { instances: [instance], history: [], addMessages: [], addActivities: [], addTimers: [], removeTimers: [] };
  }

  async run(history: HistoryEvent[], messages: OrchestratorMessage[]): Promise<void> {
    const instance = this.#instance;
    const now = this.#deps.now;
    this.#events.push(historyEvent(EventType.OrchestratorStarted, now));
    for (const message of orderForDelivery(instance, messages)) this.#deliver(message.event);
    if (instance.status === 'Pending') instance.status = 'Running';

    const fullHistory = history.concat(this.#events);
    const run = await this.#deps.runOrchestrator(instance, fullHistory);
    if (!run.ok) {
      this.#fail(run.message, run.details ?? '');
    } else {
      const leaves = flattenActions(run.state.actions[0] ?? []);
      const problem = checkReplay(history, leaves.slice(0, instance.leafCount), run.state.isDone);
      if (problem) {
        this.#fail(problem, '');
      } else {
        this.#act(leaves, run.state);
      }
    }
    instance.lastUpdatedTime = now.toISOString();
    if (this.#continued) return;
    this.#events.push(historyEvent(EventType.OrchestratorCompleted, now));
    if (instance.status === 'Running') {
      instance.warning = findWaitingOnNothing(history.concat(this.#events), leaves(run), instance);
      if (instance.warning) this.#deps.warn(`${instance.instanceId}: ${instance.warning}`);
    }
    this.#appendHistory(this.#events);
  }

  #appendHistory(events: HistoryEvent[], reset = false): void {
    this.tx.history!.push({ instanceId: this.#instance.instanceId, reset, events: events.map(played) });
  }

  /** Adds a delivered event to the episode, doing the host's part of retries on the way. */
  #deliver(event: HistoryEvent): void {
    const instance = this.#instance;
    this.#events.push({ ...event, IsPlayed: false });
    const failedRetry = retryOfFailure(instance, event);
    if (failedRetry) {
      const timerId = instance.nextSequence++;
      const fireAt = new Date(this.#deps.now.getTime() + retryDelayMs(failedRetry.options, failedRetry.attempt));
      failedRetry.timerId = timerId;
      const firstAttempt = Number(Object.keys(instance.retries).find((k) => instance.retries[k] === failedRetry));
      this.#events.push(historyEvent(EventType.TimerCreated, this.#deps.now, { EventId: timerId, FireAt: fireAt.toISOString(), RetryOf: firstAttempt }));
      this.#addTimer(timerId, fireAt);
      return;
    }
    const timerRetry = retryOfTimer(instance, event);
    if (timerRetry) {
      timerRetry.timerId = undefined;
      const key = Object.keys(instance.retries).find((k) => instance.retries[k] === timerRetry)!;
      if (timerRetry.attempt >= timerRetry.options.maxNumberOfAttempts) {
        delete instance.retries[key]; // the SDK now fails the task with the last error
        return;
      }
      timerRetry.attempt += 1;
      timerRetry.currentId = instance.nextSequence++;
      this.#schedule(timerRetry, Number(key));
      return;
    }
    const completed = retryOfCompletion(instance, event);
    if (completed !== undefined) delete instance.retries[completed];
  }

  #act(leaves: Action[], state: OrchestratorState): void {
    const instance = this.#instance;
    for (const [id, timer] of Object.entries(instance.openTimers)) {
      if (leaves[timer.position]?.isCanceled) {
        delete instance.openTimers[id];
        this.tx.removeTimers!.push(timerItemId(instance, Number(id)));
      }
    }
    let continueAsNew: Action | undefined;
    for (let position = instance.leafCount; position < leaves.length; position++) {
      const action = leaves[position]!;
      if (action.actionType === ActionType.ContinueAsNew) continueAsNew = action;
      if (!consumesSequenceNumber(action)) continue;
      const id = instance.nextSequence++;
      this.#start(action, id, position);
      if (instance.status !== 'Running') return;
    }
    instance.leafCount = leaves.length;
    instance.customStatus = toJsonText(state.customStatus ?? null);
    if (continueAsNew) this.#continueAsNew(decodeActionInput(continueAsNew));
    else if (state.isDone) this.#complete(toJsonText(state.output ?? null));
  }

  #start(action: Action, id: number, position: number): void {
    const instance = this.#instance;
    const now = this.#deps.now;
    const input = toJsonText(decodeActionInput(action));
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const isActivity = action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry;
        const retry: RetryState = {
          kind: isActivity ? 'activity' : 'orchestration', name: action.functionName ?? '', input,
          childInstanceId: action.instanceId, options: action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1, maxNumberOfAttempts: 1 },
          attempt: 1, currentId: id,
        };
        if (action.retryOptions) instance.retries[id] = retry;
        this.#schedule(retry, undefined);
        return;
      }
      case ActionType.CallEntity:
      case ActionType.SignalEntity: {
        const signal = action.actionType === ActionType.SignalEntity;
        const requestId = `${instance.instanceId}|${instance.executionId}|entity|${id}`;
        const entityId = action.instanceId ?? '';
        // The SDK re-keys the call by the `id` in EventSent.Input; the reply is EventRaised named by that id.
        this.#events.push(historyEvent(EventType.EventSent, now, {
          EventId: id, InstanceId: entityId, Name: action.operation, RequestId: requestId, Signal: signal,
          Input: JSON.stringify({ id: requestId, op: action.operation, signal }),
        }));
        this.tx.addMessages!.push({
          id: requestId, instanceId: entityId,
          event: historyEvent(EventType.EventRaised, now, {
            Name: action.operation, Input: action.input === undefined ? undefined : JSON.stringify(action.input),
            RequestId: requestId, Signal: signal, ReplyTo: signal ? undefined : { instanceId: instance.instanceId, executionId: instance.executionId },
          }),
        });
        return;
      }
      case ActionType.CreateTimer: {
        const fireAt = new Date(action.fireAt ?? now.toISOString());
        this.#events.push(historyEvent(EventType.TimerCreated, now, { EventId: id, FireAt: fireAt.toISOString() }));
        if (!action.isCanceled) {
          instance.openTimers[id] = { position, fireAt: fireAt.toISOString() };
          this.#addTimer(id, fireAt);
        }
        return;
      }
      default:
        this.#fail(`${describeAction(action)} is not supported by the devhost.`, '');
    }
  }

  /** Schedules an attempt of an activity or sub-orchestration under sequence number `retry.currentId`. */
  #schedule(retry: RetryState, retryOf: number | undefined): void {
    const instance = this.#instance;
    const now = this.#deps.now;
    const id = retry.currentId;
    if (retry.kind === 'activity') {
      this.#events.push(historyEvent(EventType.TaskScheduled, now, { EventId: id, Name: retry.name, Input: retry.input, RetryOf: retryOf }));
      this.tx.addActivities!.push({
        id: `${instance.instanceId}|${instance.executionId}|${id}`, instanceId: instance.instanceId,
        executionId: instance.executionId, taskScheduledId: id, name: retry.name, input: retry.input,
      });
      return;
    }
    const childId = retry.childInstanceId ?? `${instance.instanceId}:${id}`;
    this.#events.push(historyEvent(EventType.SubOrchestrationInstanceCreated, now, { EventId: id, Name: retry.name, InstanceId: childId, Input: retry.input, RetryOf: retryOf }));
    const existing = this.#deps.findInstance(childId);
    if (existing && !['Completed', 'Failed', 'Terminated'].includes(existing.status)) {
      this.tx.addMessages!.push(completionMessage(instance, `${childId}|conflict|${id}`, historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
        TaskScheduledId: id, Reason: `An orchestration instance with ID '${childId}' already exists and is ${existing.status}.`, Details: '',
      })));
      return;
    }
    const child = newInstance(retry.name, childId, retry.input, this.#deps.newExecutionId(), now, {
      instanceId: instance.instanceId, executionId: instance.executionId, taskScheduledId: id, name: instance.name,
    });
    this.tx.instances!.push(child);
    this.tx.history!.push({ instanceId: childId, reset: true, events: [] });
    this.tx.addMessages!.push(startMessage(child, now));
  }

  #addTimer(timerId: number, fireAt: Date): void {
    const instance = this.#instance;
    this.tx.addTimers!.push({ id: timerItemId(instance, timerId), instanceId: instance.instanceId, executionId: instance.executionId, timerId, fireAt: fireAt.toISOString() });
  }

  #cancelOpenTimers(): void {
    const instance = this.#instance;
    for (const id of Object.keys(instance.openTimers)) this.tx.removeTimers!.push(timerItemId(instance, Number(id)));
    for (const retry of Object.values(instance.retries)) {
      if (retry.timerId !== undefined) this.tx.removeTimers!.push(timerItemId(instance, retry.timerId));
    }
    instance.openTimers = {};
    instance.retries = {};
  }

  #complete(output: string): void {
    const instance = this.#instance;
    instance.status = 'Completed';
    instance.output = output;
    this.#cancelOpenTimers();
    this.#events.push(historyEvent(EventType.ExecutionCompleted, this.#deps.now, { Result: output }));
    this.#notifyParent(historyEvent(EventType.SubOrchestrationInstanceCompleted, this.#deps.now, { Result: output }));
  }

  #fail(message: string, details: string): void {
    const instance = this.#instance;
    instance.status = 'Failed';
    instance.output = JSON.stringify(`Orchestrator function '${instance.name}' failed: ${message}`);
    this.#cancelOpenTimers();
    this.#deps.warn(`${instance.instanceId}: orchestrator '${instance.name}' failed: ${message}`);
    this.#events.push(historyEvent(EventType.ExecutionCompleted, this.#deps.now, { Result: instance.output, Reason: message }));
    this.#notifyParent(historyEvent(EventType.SubOrchestrationInstanceFailed, this.#deps.now, { Reason: message, Details: details }));
  }

  /** Ends this execution and starts a fresh one with an empty history (history never grows across executions). */
  #continueAsNew(input: unknown): void {
    const instance = this.#instance;
    this.#cancelOpenTimers();
    instance.executionId = this.#deps.newExecutionId();
    instance.input = toJsonText(input);
    instance.leafCount = 0;
    instance.nextSequence = 0;
    instance.status = 'Running';
    this.#continued = true;
    this.#appendHistory([], true);
    this.tx.addMessages!.push(startMessage(instance, this.#deps.now));
  }

  #notifyParent(event: HistoryEvent): void {
    const instance = this.#instance;
    const parent = instance.parent;
    if (!parent) return;
    event.TaskScheduledId = parent.taskScheduledId;
    this.tx.addMessages!.push({
      id: `${instance.instanceId}|${instance.executionId}|done`, instanceId: parent.instanceId, executionId: parent.executionId, event,
    });
  }
}

function leaves(run: OrchestratorRun): Action[] {
  return run.ok ? flattenActions(run.state.actions[0] ?? []) : [];
}

export function timerItemId(instance: Instance, timerId: number): string {
  return `${instance.instanceId}|${instance.executionId}|timer|${timerId}`;
}

function completionMessage(instance: Instance, id: string, event: HistoryEvent): OrchestratorMessage {
  return { id, instanceId: instance.instanceId, executionId: instance.executionId, event };
}
