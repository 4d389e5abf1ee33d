/**
 * A durable task (an activity after its retries, a sub-orchestration) that failed, named, with the first line of
 * its error that says something: what a rollout's reason shows an operator.
 */
import type { ReasonCode } from '../domain/rollouts/reason-codes';

export class TaskFailure extends Error {
  readonly task: string;

  constructor(task: string, cause: unknown, attempts = 1, unit = 'attempts') {
    super(`${task} failed${attempts > 1 ? ` after ${attempts} ${unit}` : ''}: ${firstMeaningfulLine(cause)}`, { cause });
    this.name = 'TaskFailure';
    this.task = task;
  }
}

/**
 * The first non-blank line of an error's message. A failed activity reaches the orchestrator as
 * "<message> \n <stack>" and its message may itself start with a blank line.
 */
export function firstMeaningfulLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? 'no reason given';
}

/** A caught error as a rollout's reason: a task that kept failing, or the orchestration's own unexpected error. */
export function describeFailure(err: unknown): { code: Extract<ReasonCode, 'activity-failed' | 'orchestration-error'>; reason: string } {
  if (err instanceof TaskFailure) return { code: 'activity-failed', reason: err.message };
  return { code: 'orchestration-error', reason: `unexpected error: ${firstMeaningfulLine(err)}` };
}
