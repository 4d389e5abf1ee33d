import { EventType, historyEvent, type HistoryEvent } from '../../../devhost/durable/history';
import type { Instance, OrchestratorMessage, RetryState } from '../../../devhost/durable/model';
import {
  isSequenceTaking,
  orderForDelivery,
  retryOfCompletion,
  retryOfFailure,
  retryOfTimer,
} from '../../../devhost/durable/retry-events';

const at = new Date('2024-05-01T10:00:00.000Z');

const retry = (overrides: Partial<RetryState>): RetryState => ({
  kind: 'activity', name: 'Flash', input: '"fw"', options: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3 },
  attempt: 1, currentId: 0, ...overrides,
});

/**
 * Retries by first-attempt id:
 * - 0: attempt 1 (id 0) running;
 * - 1: attempt 1 (id 1) failed, waiting on retry timer 4, attempts left;
 * - 2: attempt 3 of 3 (id 5) failed, waiting on the final retry timer 6;
 * - 7: sub-orchestration attempt 2 (id 8) running.
 */
function instance(): Instance {
  return {
    instanceId: 'i', name: 'Rollout', executionId: 'e', status: 'Running', input: 'null', output: 'null', customStatus: 'null',
    createdTime: at.toISOString(), lastUpdatedTime: at.toISOString(), leafCount: 4, nextSequence: 9, openTimers: {},
    retries: {
      0: retry({ currentId: 0 }),
      1: retry({ currentId: 1, timerId: 4 }),
      2: retry({ attempt: 3, currentId: 5, timerId: 6 }),
      7: retry({ kind: 'orchestration', attempt: 2, currentId: 8 }),
    },
  };
}

const ev = (type: EventType, fields: Partial<HistoryEvent>): HistoryEvent => historyEvent(type, at, fields);
const taskFailed = (id: number) => ev(EventType.TaskFailed, { TaskScheduledId: id, Reason: 'boom', Details: '' });
const taskCompleted = (id: number) => ev(EventType.TaskCompleted, { TaskScheduledId: id, Result: '1' });
const subFailed = (id: number) => ev(EventType.SubOrchestrationInstanceFailed, { TaskScheduledId: id, Reason: 'boom', Details: '' });
const subCompleted = (id: number) => ev(EventType.SubOrchestrationInstanceCompleted, { TaskScheduledId: id, Result: '1' });
const timerFired = (id: number) => ev(EventType.TimerFired, { TimerId: id, FireAt: at.toISOString() });
const raised = (name: string) => ev(EventType.EventRaised, { Name: name, Input: 'null' });

describe('isSequenceTaking', () => {
  it.each<[string, HistoryEvent, boolean]>([
    ['TaskFailed of a retried attempt', taskFailed(0), true],
    ['SubOrchestrationInstanceFailed of a retried attempt', subFailed(8), true],
    ['TimerFired of a retry timer with attempts left', timerFired(4), true],
    ['TimerFired of the final retry timer (no attempts left)', timerFired(6), false],
    ['TaskFailed of a task without retry', taskFailed(3), false],
    ['TaskFailed of a retried task already waiting on its timer', taskFailed(1), false],
    ['TaskCompleted of a retried attempt', taskCompleted(0), false],
    ['TimerFired of a user timer', timerFired(3), false],
    ['EventRaised', raised('Approval'), false],
    ['TaskCompleted with a retry timer id', taskCompleted(4), false],
  ])('%s → %s', (_case, event, expected) => {
    expect(isSequenceTaking(instance(), event)).toBe(expected);
  });

  it('a retry timer on its last allowed attempt is sequence-taking only while attempts are left', () => {
    const inst = instance();
    expect(isSequenceTaking(inst, timerFired(4))).toBe(true);
    inst.retries[1]!.attempt = 3;
    expect(isSequenceTaking(inst, timerFired(4))).toBe(false);
  });
});

describe('retryOfFailure / retryOfTimer / retryOfCompletion', () => {
  it('find the retry loop an event belongs to', () => {
    const inst = instance();
    expect(retryOfFailure(inst, taskFailed(0))).toBe(inst.retries[0]);
    expect(retryOfFailure(inst, subFailed(8))).toBe(inst.retries[7]);
    expect(retryOfFailure(inst, taskCompleted(0))).toBeUndefined();
    expect(retryOfTimer(inst, timerFired(6))).toBe(inst.retries[2]);
    expect(retryOfTimer(inst, taskFailed(6))).toBeUndefined();
    expect(retryOfCompletion(inst, taskCompleted(0))).toBe('0');
    expect(retryOfCompletion(inst, subCompleted(8))).toBe('7');
    expect(retryOfCompletion(inst, taskCompleted(3))).toBeUndefined();
    expect(retryOfCompletion(inst, taskFailed(0))).toBeUndefined();
  });
});

describe('orderForDelivery', () => {
  const msg = (id: string, event: HistoryEvent): OrchestratorMessage => ({ id, instanceId: 'i', executionId: 'e', event });
  const order = (messages: OrchestratorMessage[]) => orderForDelivery(instance(), messages).map((m) => m.id);

  it.each<[string, OrchestratorMessage[], string[]]>([
    ['nothing sequence-taking: arrival order', [msg('c3', taskCompleted(3)), msg('ev', raised('A')), msg('t3', timerFired(3))], ['c3', 'ev', 't3']],
    ['a retried failure goes before earlier arrivals', [msg('c3', taskCompleted(3)), msg('ev', raised('A')), msg('f0', taskFailed(0))], ['f0', 'c3', 'ev']],
    ['a retry timer with attempts left goes first', [msg('ev', raised('A')), msg('t4', timerFired(4))], ['t4', 'ev']],
    ['the final retry timer keeps its place', [msg('ev', raised('A')), msg('t6', timerFired(6)), msg('c3', taskCompleted(3))], ['ev', 't6', 'c3']],
    [
      'several sequence-taking events keep their arrival order among themselves',
      [msg('c3', taskCompleted(3)), msg('s8', subFailed(8)), msg('t6', timerFired(6)), msg('t4', timerFired(4)), msg('f0', taskFailed(0)), msg('ev', raised('A'))],
      ['s8', 't4', 'f0', 'c3', 't6', 'ev'],
    ],
    ['empty', [], []],
  ])('%s', (_case, messages, expected) => {
    expect(order(messages)).toEqual(expected);
  });
});
