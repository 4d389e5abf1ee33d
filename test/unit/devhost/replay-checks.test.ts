import { ActionType, type Action } from '../../../devhost/durable/actions';
import { EventType, historyEvent, type HistoryEvent } from '../../../devhost/durable/history';
import type { Instance } from '../../../devhost/durable/model';
import { checkReplay, findWaitingOnNothing } from '../../../devhost/durable/replay-checks';

const at = new Date('2024-05-01T10:00:00.000Z');
const fireAt = '2024-05-01T11:00:00.000Z';

const ev = (type: EventType, fields: Partial<HistoryEvent> = {}): HistoryEvent => historyEvent(type, at, { IsPlayed: true, ...fields });
const scheduled = (id: number, name: string, fields: Partial<HistoryEvent> = {}) => ev(EventType.TaskScheduled, { EventId: id, Name: name, Input: 'null', ...fields });
const subCreated = (id: number, name: string) => ev(EventType.SubOrchestrationInstanceCreated, { EventId: id, Name: name, InstanceId: `i:${id}`, Input: 'null' });
const timerCreated = (id: number, fields: Partial<HistoryEvent> = {}) => ev(EventType.TimerCreated, { EventId: id, FireAt: fireAt, ...fields });
const completed = (id: number) => ev(EventType.TaskCompleted, { TaskScheduledId: id, Result: '1' });
const failed = (id: number) => ev(EventType.TaskFailed, { TaskScheduledId: id, Reason: 'x', Details: '' });
const subCompleted = (id: number) => ev(EventType.SubOrchestrationInstanceCompleted, { TaskScheduledId: id, Result: '1' });
const fired = (id: number) => ev(EventType.TimerFired, { TimerId: id, FireAt: fireAt });
const raised = (name: string) => ev(EventType.EventRaised, { Name: name, Input: 'null' });

const activity = (name: string): Action => ({ actionType: ActionType.CallActivity, functionName: name });
const activityWithRetry = (name: string): Action => ({
  actionType: ActionType.CallActivityWithRetry, functionName: name, retryOptions: { firstRetryIntervalInMilliseconds: 10, maxNumberOfAttempts: 3 },
});
const sub = (name: string): Action => ({ actionType: ActionType.CallSubOrchestrator, functionName: name });
const timer = (isCanceled = false): Action => ({ actionType: ActionType.CreateTimer, fireAt, isCanceled });
const wait = (name: string): Action => ({ actionType: ActionType.WaitForExternalEvent, externalEventName: name, reason: 'ExternalEvent' });
const callEntity = (op: string): Action => ({ actionType: ActionType.CallEntity, instanceId: '@counter@north', operation: op });
const signalEntity = (op: string): Action => ({ actionType: ActionType.SignalEntity, instanceId: '@counter@north', operation: op });
const sent = (id: number, op: string, signal: boolean) =>
  ev(EventType.EventSent, { EventId: id, InstanceId: '@counter@north', Name: op, RequestId: `i|e|entity|${id}`, Signal: signal, Input: '{}' });
const started = () => ev(EventType.ExecutionStarted, { Name: 'Rollout', Input: 'null' });

describe('checkReplay: deterministic replays pass', () => {
  it.each<[string, HistoryEvent[], Action[], boolean]>([
    ['empty history, no actions', [], [], false],
    ['empty history, new actions', [started()], [activity('A')], false],
    ['same activities in the same order', [started(), scheduled(0, 'A'), completed(0), scheduled(1, 'B')], [activity('A'), activity('B')], false],
    ['external-event waits take no sequence number', [scheduled(0, 'A'), timerCreated(1)], [wait('Approval'), activity('A'), wait('Other'), timer()], false],
    ['sub-orchestration and timer', [subCreated(0, 'Child'), timerCreated(1)], [sub('Child'), timer()], false],
    ['more replayed actions than history (the new ones)', [scheduled(0, 'A')], [activity('A'), activity('B'), timer()], false],
    ['a cancelled timer still matches its TimerCreated', [timerCreated(0), scheduled(1, 'A')], [timer(true), activity('A')], false],
    ['history events listed out of sequence order', [scheduled(1, 'B'), scheduled(0, 'A')], [activity('A'), activity('B')], false],
    ['entity call and signal match their EventSent', [sent(0, 'add', false), sent(1, 'reset', true)], [callEntity('add'), signalEntity('reset')], false],
    ['fewer actions but the orchestration is done', [scheduled(0, 'A'), scheduled(1, 'B')], [activity('A')], true],
    [
      'retry timers and re-schedules (RetryOf set) are not compared',
      [scheduled(0, 'Flaky'), failed(0), timerCreated(1, { RetryOf: 0 }), fired(1), scheduled(2, 'Flaky', { RetryOf: 0 }), scheduled(3, 'Next')],
      [activityWithRetry('Flaky'), activity('Next')],
      false,
    ],
  ])('%s', (_case, history, leaves, isDone) => {
    expect(checkReplay(history, leaves, isDone)).toBeUndefined();
  });
});

describe('checkReplay: non-determinism is reported', () => {
  it('a different activity name at the same sequence number names both', () => {
    const message = checkReplay([scheduled(0, 'A'), scheduled(1, 'ValidateFirmware')], [activity('A'), activity('FlashDevice')], false);
    expect(message).toContain('Non-deterministic');
    expect(message).toContain('sequence number 1');
    expect(message).toContain("TaskScheduled 'ValidateFirmware'");
    expect(message).toContain("CallActivity 'FlashDevice'");
  });

  it.each<[string, HistoryEvent[], Action[], string[]]>([
    ['timer where an activity was', [scheduled(0, 'A')], [timer()], ["TaskScheduled 'A'", 'CreateTimer', 'sequence number 0']],
    ['activity where a timer was', [timerCreated(0)], [activity('A')], ['TimerCreated', "CallActivity 'A'"]],
    ['sub-orchestration name changed', [subCreated(0, 'ChildV1')], [sub('ChildV2')], ["SubOrchestrationInstanceCreated 'ChildV1'", "CallSubOrchestrator 'ChildV2'"]],
    ['activity became a sub-orchestration of the same name', [scheduled(0, 'A')], [sub('A')], ["TaskScheduled 'A'", "CallSubOrchestrator 'A'"]],
    ['entity call where an activity was', [scheduled(0, 'A')], [callEntity('add')], ["TaskScheduled 'A'", 'CallEntity']],
    ['activity where an entity call was', [sent(0, 'add', false)], [activity('A')], ["EventSent 'add'", "CallActivity 'A'"]],
    ['reordered activities', [scheduled(0, 'A'), scheduled(1, 'B')], [activity('B'), activity('A')], ["TaskScheduled 'A'", "CallActivity 'B'"]],
    [
      'a difference after a retried task',
      [scheduled(0, 'Flaky'), timerCreated(1, { RetryOf: 0 }), scheduled(2, 'Flaky', { RetryOf: 0 }), scheduled(3, 'Old')],
      [activityWithRetry('Flaky'), activity('New')],
      ["TaskScheduled 'Old'", "CallActivity 'New'", 'sequence number 3'],
    ],
  ])('%s', (_case, history, leaves, fragments) => {
    const message = checkReplay(history, leaves, false);
    expect(message).toBeDefined();
    for (const fragment of fragments) expect(message).toContain(fragment);
  });

  it('fewer replayed actions than history while not done', () => {
    const message = checkReplay([scheduled(0, 'A'), scheduled(1, 'B'), timerCreated(2)], [activity('A'), wait('X')], false);
    expect(message).toContain('Non-deterministic');
    expect(message).toContain("TaskScheduled 'B' at sequence number 1");
    expect(message).toContain('1 of 3');
  });
});

describe('findWaitingOnNothing', () => {
  const inst = (openTimers: Instance['openTimers'] = {}): Instance => ({
    instanceId: 'i', name: 'Rollout', executionId: 'e', status: 'Running', input: 'null', output: 'null', customStatus: 'null',
    createdTime: at.toISOString(), lastUpdatedTime: at.toISOString(), leafCount: 0, nextSequence: 0, openTimers, retries: {},
  });

  it.each<[string, HistoryEvent[], Action[], Instance]>([
    ['an open activity', [started(), scheduled(0, 'A')], [activity('A')], inst()],
    ['an open sub-orchestration', [started(), subCreated(0, 'Child')], [sub('Child')], inst()],
    ['an open timer', [started(), timerCreated(0)], [timer()], inst({ 0: { position: 0, fireAt } })],
    ['an open retry timer', [started(), scheduled(0, 'Flaky'), failed(0), timerCreated(1, { RetryOf: 0 })], [activityWithRetry('Flaky')], inst()],
    ['an unsatisfied external-event wait', [started()], [wait('Approval')], inst()],
    ['a second wait for an event raised once', [started(), raised('Approval')], [wait('Approval'), wait('Approval')], inst()],
    ['an unanswered entity call', [started(), sent(0, 'get', false)], [callEntity('get')], inst()],
    ['one of two activities still open', [scheduled(0, 'A'), scheduled(1, 'B'), completed(1)], [activity('A'), activity('B')], inst()],
  ])('%s → no warning', (_case, history, leaves, instance) => {
    expect(findWaitingOnNothing(history, leaves, instance)).toBeUndefined();
  });

  it.each<[string, HistoryEvent[], Action[], Instance]>([
    ['no actions at all', [started()], [], inst()],
    ['every activity completed or failed', [scheduled(0, 'A'), completed(0), scheduled(1, 'B'), failed(1)], [activity('A'), activity('B')], inst()],
    ['sub-orchestration completed', [subCreated(0, 'Child'), subCompleted(0)], [sub('Child')], inst()],
    ['the timer fired', [timerCreated(0), fired(0)], [timer()], inst({ 0: { position: 0, fireAt } })],
    ['the only timer was cancelled', [timerCreated(0)], [timer(true)], inst()],
    ['the awaited event was raised', [raised('Approval')], [wait('Approval')], inst()],
    ['the entity call was answered', [sent(0, 'get', false), raised('i|e|entity|0')], [callEntity('get')], inst()],
    ['only a signal was sent (no reply expected)', [sent(0, 'reset', true)], [signalEntity('reset')], inst()],
    ['an event raised before the wait counts', [raised('Approval'), scheduled(0, 'A'), completed(0)], [activity('A'), wait('Approval')], inst()],
  ])('%s → warning', (_case, history, leaves, instance) => {
    expect(findWaitingOnNothing(history, leaves, instance)).toMatch(/waiting on nothing/);
  });
});
