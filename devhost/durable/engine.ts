/**
 * The Durable Task engine of the devhost: dispatches orchestrator episodes (one at a time per instance),
 * activities (concurrently, at least once) and durable timers, all from the task hub store.
 */
import { randomUUID } from 'node:crypto';
import { EventType, historyEvent, toJsonText } from './history';
import { HostClock } from './clock';
import { terminalStatuses, type ActivityWorkItem, type Instance, type OrchestratorMessage, type TimerItem, type Transaction } from './model';
import { Episode, newInstance, startMessage } from './orchestration-episode';
import { parseEntityId, runEntityBatch, signalMessage } from './entity-batch';
import { runActivity, runOrchestrator, type BindingInputs } from './sdk-bridge';
import type { TaskHubStore } from './task-hub-store';

export interface EngineOptions {
  maxConcurrentActivities: number;
  autoSkip: boolean;
  log: (level: string, message: string) => void;
}

export class DurableEngine {
  readonly store: TaskHubStore;
  readonly clock: HostClock;
  readonly #options: EngineOptions;
  #running = new Set<string>();
  #rerun = new Set<string>();
  #activityQueue: string[] = [];
  #activitiesInFlight = new Set<string>();
  #timerHandle: NodeJS.Timeout | undefined;
  #idleHandle: NodeJS.Timeout | undefined;
  #stopped = false;
  #messageCounter = 0;
  /** Episode durations (ms) and activity count since the last reset, for `/admin/host/metrics`. */
  #episodeDurations: number[] = [];
  #activitiesCompleted = 0;
  /** Time-skipping on or off (can be switched at run time through the admin API). */
  get autoSkip(): boolean {
    return this.#options.autoSkip;
  }

  set autoSkip(on: boolean) {
    this.#options.autoSkip = on;
    if (on) this.scheduleIdleCheck();
  }

  /** Extra input bindings activities and entities may declare (the durable client); set once the host has a URL. */
  bindings: BindingInputs | undefined;

  /** Things outside the engine that count as busy for time-skipping (e.g. HTTP requests in flight). */
  externalBusy = 0;

  constructor(store: TaskHubStore, clock: HostClock, options: EngineOptions) {
    this.store = store;
    this.clock = clock;
    this.#options = options;
  }

  /** Resumes whatever the store holds: unfinished episodes, activities, timers. */
  start(): void {
    for (const instanceId of this.store.inbox.keys()) this.#kick(instanceId);
    for (const id of this.store.activities.keys()) this.#activityQueue.push(id);
    this.#pumpActivities();
    this.#armTimer();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timerHandle) clearTimeout(this.#timerHandle);
    if (this.#idleHandle) clearTimeout(this.#idleHandle);
  }

  get isIdle(): boolean {
    return this.#running.size === 0 && this.#activityQueue.length === 0 && this.#activitiesInFlight.size === 0 &&
      this.externalBusy === 0 && [...this.store.inbox.keys()].every((id) => this.#isParked(id));
  }

  commit(tx: Transaction): void {
    if (this.#stopped) return;
    this.store.commit(tx);
    for (const m of tx.addMessages ?? []) this.#kick(m.instanceId);
    if (tx.addActivities?.length) {
      for (const a of tx.addActivities) this.#activityQueue.push(a.id);
      this.#pumpActivities();
    }
    if (tx.addTimers?.length || tx.removeTimers?.length) this.#armTimer();
    this.scheduleIdleCheck();
  }

  nextMessageId(kind: string): string {
    return `${kind}|${Date.now().toString(36)}|${(this.#messageCounter++).toString(36)}`;
  }

  metrics(): Record<string, number> {
    const sorted = [...this.#episodeDurations].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      episodes: sorted.length,
      episodeMsMedian: at(0.5),
      episodeMsP99: at(0.99),
      episodeMsMax: sorted[sorted.length - 1] ?? 0,
      activitiesCompleted: this.#activitiesCompleted,
      instances: this.store.instances.size,
      rssBytes: process.memoryUsage().rss,
    };
  }

  resetMetrics(): Record<string, number> {
    this.#episodeDurations = [];
    this.#activitiesCompleted = 0;
    return this.metrics();
  }

  // ---- client operations -------------------------------------------------------------------------------

  startNew(name: string, instanceId: string | undefined, input: unknown): Instance {
    const id = instanceId ?? randomUUID().replace(/-/g, '');
    const now = this.clock.now();
    const instance = newInstance(name, id, toJsonText(input), randomUUID(), now);
    this.commit({ purge: [id], instances: [instance], history: [{ instanceId: id, reset: true, events: [] }], addMessages: [startMessage(instance, now)] });
    return instance;
  }

  send(instanceId: string, type: EventType, fields: Record<string, unknown>): void {
    const event = historyEvent(type, this.clock.now(), fields);
    this.commit({ addMessages: [{ id: this.nextMessageId('client'), instanceId, event }] });
  }

  signalEntity(entityId: string, operation: string, input: string | undefined): void {
    this.commit({ addMessages: [signalMessage(entityId, operation, input, this.nextMessageId('signal'), this.clock.now())] });
  }

  purge(instanceIds: string[]): number {
    const ids = instanceIds.filter((id) => {
      const instance = this.store.instances.get(id);
      return instance && terminalStatuses.includes(instance.status);
    });
    if (ids.length === 0) return 0;
    const gone = new Set(ids);
    this.commit({
      purge: ids,
      removeActivities: [...this.store.activities.values()].filter((a) => gone.has(a.instanceId)).map((a) => a.id),
      removeTimers: [...this.store.timers.values()].filter((t) => gone.has(t.instanceId)).map((t) => t.id),
    });
    return ids.length;
  }

  /** Jumps the clock (time-skipping) and fires whatever timers are now due. */
  advanceClock(ms: number): void {
    this.clock.advance(ms);
    this.commit({ clockOffsetMs: this.clock.offsetMs });
    this.#armTimer();
  }

  // ---- orchestrator episodes -------------------------------------------------------------------------------

  #isParked(instanceId: string): boolean {
    const instance = this.store.instances.get(instanceId);
    return instance?.status === 'Suspended' &&
      !this.store.messages(instanceId).some((m) => m.event.EventType === EventType.ExecutionResumed || m.event.EventType === EventType.ExecutionTerminated);
  }

  #kick(instanceId: string): void {
    if (this.#running.has(instanceId)) {
      this.#rerun.add(instanceId);
      return;
    }
    this.#running.add(instanceId);
    setImmediate(() => {
      this.#process(instanceId)
        .catch((err: unknown) => this.#options.log('error', `episode of ${instanceId} failed in the host: ${String(err)}`))
        .finally(() => {
          this.#running.delete(instanceId);
          if (this.#rerun.delete(instanceId)) this.#kick(instanceId);
          this.scheduleIdleCheck();
        });
    });
  }

  async #process(instanceId: string): Promise<void> {
    if (this.#stopped) return;
    const messages = this.store.messages(instanceId).slice();
    if (messages.length === 0) return;
    if (parseEntityId(instanceId)) {
      const log = (level: string, msg: string) => this.#options.log(level, msg);
      return this.commit(await runEntityBatch(instanceId, this.store.entities.get(instanceId), messages, this.clock.now(), log, this.bindings));
    }
    const instance = this.store.instances.get(instanceId);
    const consumed: Transaction = { removeMessages: [{ instanceId, ids: messages.map((m) => m.id) }] };
    if (!instance) {
      this.#options.log('warning', `dropping ${messages.length} message(s) for unknown instance ${instanceId}`);
      return this.commit(consumed);
    }
    const current = messages.filter((m) => m.executionId === undefined || m.executionId === instance.executionId);
    const control = this.#applyControl(instance, current);
    if (terminalStatuses.includes(instance.status) || control.terminated) {
      return this.commit(merge(consumed, control.tx));
    }
    if (instance.status === 'Suspended') {
      const handled = new Set(control.handled);
      return this.commit(merge({ removeMessages: [{ instanceId, ids: [...handled] }] }, control.tx));
    }
    const deliver = current.filter((m) => !control.handled.includes(m.id));
    if (deliver.length === 0) return this.commit(merge(consumed, control.tx));

    const started = performance.now();
    const episode = new Episode(instance, {
      now: this.clock.now(),
      runOrchestrator: (inst, history) => runOrchestrator(inst, history, (level, msg) => this.#options.log(level, msg)),
      findInstance: (id) => this.store.instances.get(id),
      newExecutionId: () => randomUUID(),
      warn: (message) => this.#options.log('warning', message),
    });
    await episode.run(this.store.history(instanceId), deliver);
    if (this.#episodeDurations.length < 1_000_000) this.#episodeDurations.push(performance.now() - started);
    this.commit(merge(merge(consumed, control.tx), episode.tx));
  }

  /** Terminate / suspend / resume, handled by the host before (or instead of) an episode. */
  #applyControl(instance: Instance, messages: OrchestratorMessage[]): { tx: Transaction; handled: string[]; terminated: boolean } {
    const tx: Transaction = { instances: [instance], history: [], addMessages: [], removeTimers: [], removeActivities: [] };
    const handled: string[] = [];
    const now = this.clock.now();
    let terminated = false;
    for (const m of messages) {
      const type = m.event.EventType;
      if (type === EventType.ExecutionTerminated && !terminalStatuses.includes(instance.status)) {
        terminated = true;
        instance.status = 'Terminated';
        instance.output = m.event.Input ?? 'null';
        instance.lastUpdatedTime = now.toISOString();
        tx.history!.push({ instanceId: instance.instanceId, events: [{ ...m.event, IsPlayed: true }] });
        tx.removeTimers!.push(...[...this.store.timers.values()].filter((t) => t.instanceId === instance.instanceId).map((t) => t.id));
        if (instance.parent) {
          tx.addMessages!.push({
            id: `${instance.instanceId}|${instance.executionId}|done`, instanceId: instance.parent.instanceId, executionId: instance.parent.executionId,
            event: historyEvent(EventType.SubOrchestrationInstanceFailed, now, { TaskScheduledId: instance.parent.taskScheduledId, Reason: `Terminated: ${instance.output}`, Details: '' }),
          });
        }
        handled.push(m.id);
      } else if (type === EventType.ExecutionSuspended || type === EventType.ExecutionResumed) {
        if (!terminalStatuses.includes(instance.status)) {
          instance.status = type === EventType.ExecutionSuspended ? 'Suspended' : 'Running';
          instance.lastUpdatedTime = now.toISOString();
          tx.history!.push({ instanceId: instance.instanceId, events: [{ ...m.event, IsPlayed: true }] });
        }
        handled.push(m.id);
      }
    }
    return { tx, handled, terminated };
  }

  // ---- activities -------------------------------------------------------------------------------------------

  #pumpActivities(): void {
    while (!this.#stopped && this.#activitiesInFlight.size < this.#options.maxConcurrentActivities && this.#activityQueue.length > 0) {
      const id = this.#activityQueue.shift()!;
      const item = this.store.activities.get(id);
      if (!item || this.#activitiesInFlight.has(id)) continue;
      this.#activitiesInFlight.add(id);
      setImmediate(() => {
        this.#runActivity(item)
          .catch((err: unknown) => this.#options.log('error', `activity ${item.name} failed in the host: ${String(err)}`))
          .finally(() => {
            this.#activitiesInFlight.delete(id);
            this.#pumpActivities();
            this.scheduleIdleCheck();
          });
      });
    }
  }

  async #runActivity(item: ActivityWorkItem): Promise<void> {
    const outcome = await runActivity(item.name, item.input, (level, msg) => this.#options.log(level, msg), this.bindings);
    const now = this.clock.now();
    const event = outcome.ok
      ? historyEvent(EventType.TaskCompleted, now, { TaskScheduledId: item.taskScheduledId, Result: outcome.result })
      : historyEvent(EventType.TaskFailed, now, { TaskScheduledId: item.taskScheduledId, Reason: outcome.reason, Details: outcome.details });
    this.#activitiesCompleted++;
    this.commit({
      removeActivities: [item.id],
      addMessages: [{ id: `${item.id}|result`, instanceId: item.instanceId, executionId: item.executionId, event }],
    });
  }

  // ---- timers -------------------------------------------------------------------------------------------------

  #nextTimer(): TimerItem | undefined {
    let next: TimerItem | undefined;
    for (const t of this.store.timers.values()) if (!next || t.fireAt < next.fireAt) next = t;
    return next;
  }

  #armTimer(): void {
    if (this.#stopped) return;
    if (this.#timerHandle) clearTimeout(this.#timerHandle);
    this.#timerHandle = undefined;
    const next = this.#nextTimer();
    if (!next) return;
    const delay = this.clock.realDelayUntil(Date.parse(next.fireAt));
    this.#timerHandle = setTimeout(() => this.#fireDueTimers(), Math.min(delay, 2 ** 31 - 1));
  }

  #fireDueTimers(): void {
    const now = this.clock.nowMs();
    const due = [...this.store.timers.values()].filter((t) => Date.parse(t.fireAt) <= now);
    if (due.length) {
      this.commit({
        removeTimers: due.map((t) => t.id),
        addMessages: due.map((t) => ({
          id: `${t.id}|fired`, instanceId: t.instanceId, executionId: t.executionId,
          event: historyEvent(EventType.TimerFired, this.clock.now(), { TimerId: t.timerId, FireAt: t.fireAt }),
        })),
      });
    }
    this.#armTimer();
  }

  /** Time-skipping: when nothing can run, jump to the next durable timer. */
  scheduleIdleCheck(): void {
    if (!this.#options.autoSkip || this.#idleHandle || this.#stopped) return;
    this.#idleHandle = setTimeout(() => {
      this.#idleHandle = undefined;
      if (!this.isIdle) return;
      const next = this.#nextTimer();
      if (!next) return;
      const gap = Date.parse(next.fireAt) - this.clock.nowMs();
      if (gap > 0) this.advanceClock(gap);
      else this.#fireDueTimers();
    }, 5);
  }
}

function merge(a: Transaction, b: Transaction): Transaction {
  const out: Transaction = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof Transaction, unknown][]) {
    if (Array.isArray(value)) (out as Record<string, unknown>)[key] = [...((out[key] as unknown[] | undefined) ?? []), ...value];
    else if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
