/**
 * Typed durable calls: the contracts name each call's payload and result, so an orchestration never casts what a
 * `yield` returns. The SDK hands results back as `unknown`; they are cast here, once (`TypedTask.value`), and for the
 * orchestration's own input (`orchestrationInput`). Activities are always called with their retry policy.
 *
 *   const counts = yield* activity(context, 'assessWave', { rolloutId, wave: 0, at });   // DeviceStateCounts
 */
import * as df from 'durable-functions';
import {
  activityRetry, eventNames, maxFailedChecksInARow, orchestratorNames,
  type ActivityInput, type ActivityName, type ActivityOutput, type EventContract, type OrchestratorContract, type OrchestratorKind, type RetryPolicy,
} from './contracts';
import { TaskFailure } from './task-failure';

/** A scheduled durable task and the type of its result. */
export class TypedTask<T> {
  readonly task: df.Task;
  /** What failed, for a reason: the activity's or orchestration's name. */
  readonly what: string;
  readonly attempts: number;

  constructor(task: df.Task, what: string, attempts = 1) {
    this.task = task;
    this.what = what;
    this.attempts = attempts;
  }

  /** The result of a finished task; a TaskFailure naming the task when it failed. */
  get value(): T {
    if (this.task.isFaulted) throw new TaskFailure(this.what, this.task.result, this.attempts);
    return this.task.result as T;
  }
}

/** What a race can wait on: typed tasks and durable timers. */
export type Raceable = TypedTask<unknown> | df.TimerTask;

function retryOptions(policy: RetryPolicy): df.RetryOptions {
  const options = new df.RetryOptions(policy.firstRetryMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = policy.maxRetryMs;
  return options;
}

/** Schedules an activity with its retry policy, for `race` or `all`. */
export function activityTask<K extends ActivityName>(context: df.OrchestrationContext, name: K, input: ActivityInput<K>): TypedTask<ActivityOutput<K>> {
  const policy = activityRetry[name];
  const task = policy.maxAttempts > 1 ? context.df.callActivityWithRetry(name, retryOptions(policy), input) : context.df.callActivity(name, input);
  return new TypedTask(task, name, policy.maxAttempts);
}

/** Calls an activity (with its retry policy) and returns its typed result; a TaskFailure once its retries are spent. */
export function* activity<K extends ActivityName>(context: df.OrchestrationContext, name: K, input: ActivityInput<K>): Generator<df.Task, ActivityOutput<K>, unknown> {
  return yield* settle(activityTask(context, name, input));
}

/**
 * A read repeated at every health check, called once: `failedInARow` 0 and its value, or no value when it failed this
 * time (the next check retries it); a TaskFailure once it failed `maxFailedChecksInARow` checks in a row.
 */
export function* periodicRead<K extends ActivityName>(
  context: df.OrchestrationContext, name: K, input: ActivityInput<K>, failedBefore: number,
): Generator<df.Task, { value: ActivityOutput<K>; failedInARow: 0 } | { failedInARow: number }, unknown> {
  try {
    return { value: yield* activity(context, name, input), failedInARow: 0 };
  } catch (err) {
    const failed = failedBefore + 1;
    if (failed >= maxFailedChecksInARow) throw new TaskFailure(name, err instanceof TaskFailure ? err.cause : err, failed, 'checks in a row');
    return { failedInARow: failed };
  }
}

/** Starts a sub-orchestration; its result type comes from OrchestratorContract. */
export function subOrchestrationTask<K extends OrchestratorKind>(
  context: df.OrchestrationContext, kind: K, input: OrchestratorContract[K]['input'], instanceId: string,
): TypedTask<OrchestratorContract[K]['output']> {
  return new TypedTask(context.df.callSubOrchestrator(orchestratorNames[kind], input, instanceId), orchestratorNames[kind]);
}

/** Waits for the next external event of a kind; its payload type comes from EventContract. */
export function eventTask<K extends keyof EventContract>(context: df.OrchestrationContext, kind: K): TypedTask<EventContract[K]> {
  return new TypedTask(context.df.waitForExternalEvent(eventNames[kind]), `the ${eventNames[kind]} event`);
}

/** Waits for one task and returns its typed result. */
export function* settle<T>(typed: TypedTask<T>): Generator<df.Task, T, unknown> {
  try {
    yield typed.task;
  } catch (err) {
    throw new TaskFailure(typed.what, err, typed.attempts);
  }
  return typed.value;
}

/** Waits for every task; their results in order, or a TaskFailure naming the first that failed. */
export function* all<T>(context: df.OrchestrationContext, tasks: readonly TypedTask<T>[]): Generator<df.Task, T[], unknown> {
  try {
    yield context.df.Task.all(tasks.map((t) => t.task));
  } catch (err) {
    const failed = tasks.find((t) => t.task.isFaulted);
    throw new TaskFailure(failed?.what ?? 'a task', err, failed?.attempts);
  }
  return tasks.map((t) => t.value);
}

/** Waits for the first of the tasks to finish and returns that one (compare it with `===`; read `.value`). */
export function* race<const T extends readonly Raceable[]>(context: df.OrchestrationContext, tasks: T): Generator<df.Task, T[number], unknown> {
  const taskOf = (t: Raceable): df.Task => (t instanceof TypedTask ? t.task : t);
  const winner = yield context.df.Task.any(tasks.map(taskOf));
  const won = tasks.find((t) => taskOf(t) === winner);
  if (!won) throw new Error('Task.any returned a task it was not given');
  return won;
}

/** The orchestration's own input, typed by its kind. */
export function orchestrationInput<K extends OrchestratorKind>(context: df.OrchestrationContext, _kind: K): OrchestratorContract[K]['input'] {
  return context.df.getInput() as OrchestratorContract[K]['input'];
}
