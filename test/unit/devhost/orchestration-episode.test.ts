import { ActionType, type Action, type RetryOptionsWire } from '../../../devhost/durable/actions';
import { EventType, historyEvent, type HistoryEvent } from '../../../devhost/durable/history';
import type { Instance, OrchestratorMessage, Transaction } from '../../../devhost/durable/model';
import {
  Episode,
  newInstance,
  startMessage,
  timerItemId,
  type EpisodeDeps,
  type OrchestratorRun,
  type OrchestratorState,
} from '../../../devhost/durable/orchestration-episode';

const t0 = new Date('2024-05-01T10:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

// ---- actions as the SDK returns them ------------------------------------------------------------------------
const activity = (name: string, input?: unknown): Action => ({ actionType: ActionType.CallActivity, functionName: name, input });
const retried = (name: string, retryOptions: RetryOptionsWire, input?: unknown): Action => ({
  actionType: ActionType.CallActivityWithRetry, functionName: name, input, retryOptions,
});
const timer = (fireAt: Date, isCanceled = false): Action => ({ actionType: ActionType.CreateTimer, fireAt: fireAt.toISOString(), isCanceled });
const wait = (name: string): Action => ({ actionType: ActionType.WaitForExternalEvent, externalEventName: name, reason: 'ExternalEvent' });
const sub = (name: string, input?: unknown, instanceId?: string): Action => ({ actionType: ActionType.CallSubOrchestrator, functionName: name, input, instanceId });
const all = (...children: Action[]): Action => ({ actionType: ActionType.WhenAll, compoundActions: children });
const any = (...children: Action[]): Action => ({ actionType: ActionType.WhenAny, compoundActions: children });

const running = (...actions: Action[]): OrchestratorState => ({ isDone: false, actions: [actions] });
const done = (output: unknown, ...actions: Action[]): OrchestratorState => ({ isDone: true, actions: [actions], output });

// ---- a tiny harness: a fake runOrchestrator, and the history kept the way the store keeps it -----------------
interface Harness {
  instance: Instance;
  history: HistoryEvent[];
  deps: EpisodeDeps & { runOrchestrator: jest.Mock; warn: jest.Mock };
  existing: Map<string, Instance>;
  /** Runs one episode whose fake orchestrator returns `result`; returns its Transaction and keeps the history. */
  episode(messages: OrchestratorMessage[], result: OrchestratorState | OrchestratorRun, now?: Date): Promise<Transaction>;
}

function harness(instance: Instance = newInstance('Rollout', 'i1', '{"fleet":"north"}', 'exec-1', t0)): Harness {
  let executions = 1;
  const h: Harness = {
    instance,
    history: [],
    existing: new Map(),
    deps: {
      now: t0,
      runOrchestrator: jest.fn(),
      findInstance: (id: string) => h.existing.get(id),
      newExecutionId: () => `exec-${++executions}`,
      warn: jest.fn(),
    },
    async episode(messages, result, now = t0) {
      const run: OrchestratorRun = 'ok' in result ? result : { ok: true, state: result };
      h.deps.now = now;
      h.deps.runOrchestrator.mockResolvedValueOnce(run);
      const episode = new Episode(h.instance, h.deps);
      await episode.run(h.history, messages);
      for (const entry of episode.tx.history ?? []) {
        if (entry.instanceId === h.instance.instanceId) h.history = entry.reset ? [...entry.events] : [...h.history, ...entry.events];
      }
      return episode.tx;
    },
  };
  return h;
}

let messageCounter = 0;
const msg = (instance: Instance, type: EventType, fields: Partial<HistoryEvent>, at = t0): OrchestratorMessage => ({
  id: `m${++messageCounter}`, instanceId: instance.instanceId, executionId: instance.executionId, event: historyEvent(type, at, fields),
});
const start = (h: Harness) => [startMessage(h.instance, t0)];
const completedMsg = (h: Harness, id: number, result: unknown) => msg(h.instance, EventType.TaskCompleted, { TaskScheduledId: id, Result: JSON.stringify(result) });
const failedMsg = (h: Harness, id: number) => msg(h.instance, EventType.TaskFailed, { TaskScheduledId: id, Reason: 'device offline', Details: 'stack' });
const firedMsg = (h: Harness, id: number, at: Date) => msg(h.instance, EventType.TimerFired, { TimerId: id, FireAt: at.toISOString() }, at);
const raisedMsg = (h: Harness, name: string, input: unknown) => msg(h.instance, EventType.EventRaised, { Name: name, Input: JSON.stringify(input) });

/** The events appended to `instanceId` by the transaction, as `Type` or `Type#id`. */
function appended(tx: Transaction, instanceId = 'i1'): string[] {
  return (tx.history ?? [])
    .filter((entry) => entry.instanceId === instanceId)
    .flatMap((entry) => entry.events)
    .map((e) => {
      const id = e.EventType === EventType.TaskScheduled || e.EventType === EventType.TimerCreated || e.EventType === EventType.SubOrchestrationInstanceCreated
        ? e.EventId
        : e.TaskScheduledId ?? e.TimerId;
      return id === undefined ? EventType[e.EventType]! : `${EventType[e.EventType]}#${id}`;
    });
}
const eventOf = (tx: Transaction, type: EventType, instanceId = 'i1') =>
  (tx.history ?? []).filter((entry) => entry.instanceId === instanceId).flatMap((entry) => entry.events).filter((e) => e.EventType === type);

describe('Episode: first episode', () => {
  it('appends OrchestratorStarted, ExecutionStarted, TaskScheduled(0), OrchestratorCompleted and adds the activity', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(activity('ValidateFirmware', '"fw-2.1"')));

    expect(appended(tx)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0', 'OrchestratorCompleted']);
    expect(eventOf(tx, EventType.TaskScheduled)[0]).toMatchObject({ EventId: 0, Name: 'ValidateFirmware', Input: '"fw-2.1"' });
    expect(eventOf(tx, EventType.ExecutionStarted)[0]).toMatchObject({ Name: 'Rollout', Input: '{"fleet":"north"}' });
    expect(tx.history!.flatMap((e) => e.events).every((e) => e.IsPlayed)).toBe(true);
    expect(tx.addActivities).toEqual([
      { id: 'i1|exec-1|0', instanceId: 'i1', executionId: 'exec-1', taskScheduledId: 0, name: 'ValidateFirmware', input: '"fw-2.1"' },
    ]);
    expect(tx.instances).toContain(h.instance);
    expect(h.instance).toMatchObject({ status: 'Running', nextSequence: 1, leafCount: 1 });
    expect(h.deps.warn).not.toHaveBeenCalled();
  });

  it('hands the orchestrator the stored history plus this episode’s new events, not yet played', async () => {
    const h = harness();
    await h.episode(start(h), running(activity('A')));
    const tx = await h.episode([completedMsg(h, 0, { ok: true })], running(activity('A'), activity('B')), later(1000));

    const [, history] = h.deps.runOrchestrator.mock.calls[1] as [Instance, HistoryEvent[]];
    expect(history.map((e) => `${EventType[e.EventType]}:${e.IsPlayed}`)).toEqual([
      'OrchestratorStarted:true', 'ExecutionStarted:true', 'TaskScheduled:true', 'OrchestratorCompleted:true',
      'OrchestratorStarted:false', 'TaskCompleted:false',
    ]);
    expect(history[4]!.Timestamp).toBe(later(1000).toISOString());
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'TaskCompleted#0', 'TaskScheduled#1', 'OrchestratorCompleted']);
  });

  it.each<[string, unknown, string]>([
    ['a string (JSON-encoded by the SDK)', '"device-7"', '"device-7"'],
    ['an object', { id: 7 }, '{"id":7}'],
    ['nothing', undefined, 'null'],
  ])('activity input %s is stored as JSON text', async (_case, input, expected) => {
    const h = harness();
    const tx = await h.episode(start(h), running(activity('A', input)));
    expect(tx.addActivities![0]!.input).toBe(expected);
    expect(eventOf(tx, EventType.TaskScheduled)[0]!.Input).toBe(expected);
  });
});

describe('Episode: sequence numbers', () => {
  it('a Task.all of three activities takes 0, 1, 2', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(all(activity('Flash', '"a"'), activity('Flash', '"b"'), activity('Flash', '"c"'))));
    expect(tx.addActivities!.map((a) => [a.taskScheduledId, a.input])).toEqual([[0, '"a"'], [1, '"b"'], [2, '"c"']]);
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0', 'TaskScheduled#1', 'TaskScheduled#2', 'OrchestratorCompleted']);
    expect(h.instance.nextSequence).toBe(3);
  });

  it('external-event waits take no number; activities, timers and sub-orchestrations do, in yield order', async () => {
    const h = harness();
    const tx = await h.episode(
      start(h),
      running(wait('Approval'), any(timer(later(60_000)), wait('Cancel')), activity('A'), sub('Child'), all(activity('B'), timer(later(5000)))),
    );
    expect(appended(tx)).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TimerCreated#0', 'TaskScheduled#1', 'SubOrchestrationInstanceCreated#2', 'TaskScheduled#3',
      'TimerCreated#4', 'OrchestratorCompleted',
    ]);
    expect(tx.addTimers!.map((t) => [t.timerId, t.fireAt])).toEqual([[0, later(60_000).toISOString()], [4, later(5000).toISOString()]]);
    expect(h.instance).toMatchObject({ nextSequence: 5, leafCount: 7 });
  });

  it('actions already acted on are not scheduled again on replay', async () => {
    const h = harness();
    await h.episode(start(h), running(activity('A'), activity('B')));
    const tx = await h.episode([completedMsg(h, 0, 1)], running(activity('A'), activity('B'), activity('C')));
    expect(tx.addActivities!.map((a) => [a.name, a.taskScheduledId])).toEqual([['C', 2]]);
  });
});

describe('Episode: re-yielded tasks', () => {
  it('a pending task yielded again inside a new Task.any takes no new sequence number', async () => {
    const h = harness();
    const slow = activity('Slow');
    await h.episode(start(h), running(any(slow, timer(later(1000)))));
    expect(h.instance.nextSequence).toBe(2);
    // the timer fired; the orchestrator waits on the same activity task again, now with an approval
    const tx = await h.episode([firedMsg(h, 1, later(1000))], running(any(slow, timer(later(1000))), any(slow, wait('Approval'))), later(1000));
    expect(tx.addActivities).toEqual([]);
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'TimerFired#1', 'OrchestratorCompleted']);
    expect(h.instance).toMatchObject({ nextSequence: 2, leafCount: 3 });
  });
});

describe('Episode: entities', () => {
  const callEntity = (op: string, input?: unknown): Action => ({ actionType: ActionType.CallEntity, instanceId: '@counter@north', operation: op, input });
  const signalEntity = (op: string, input?: unknown): Action => ({ actionType: ActionType.SignalEntity, instanceId: '@counter@north', operation: op, input });

  it('callEntity writes EventSent under the next sequence number and queues a request that names the caller', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(activity('A'), callEntity('add', 5)));
    const sent = eventOf(tx, EventType.EventSent)[0]!;
    expect(sent).toMatchObject({ EventId: 1, InstanceId: '@counter@north', Name: 'add' });
    const requestId = (JSON.parse(sent.Input!) as { id: string }).id;
    expect(requestId).toBeTruthy();
    const request = tx.addMessages!.find((m) => m.instanceId === '@counter@north')!;
    expect(request.event).toMatchObject({
      EventType: EventType.EventRaised, Name: 'add', Input: '5', RequestId: requestId, Signal: false, ReplyTo: { instanceId: 'i1', executionId: 'exec-1' },
    });
    expect(h.instance.warning).toBeUndefined(); // waiting on the entity's reply
  });

  it('signalEntity takes a sequence number but expects no reply', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(signalEntity('reset'), activity('A')));
    expect(eventOf(tx, EventType.EventSent)[0]).toMatchObject({ EventId: 0, Signal: true });
    const request = tx.addMessages!.find((m) => m.instanceId === '@counter@north')!;
    expect(request.event.Signal).toBe(true);
    expect(request.event.ReplyTo).toBeUndefined();
    expect(tx.addActivities!.map((a) => a.taskScheduledId)).toEqual([1]);
  });
});

describe('Episode: timers', () => {
  it('a timer cancelled on a later episode is removed', async () => {
    const h = harness();
    const deadline = later(3_600_000);
    const tx1 = await h.episode(start(h), running(any(timer(deadline), wait('Approval'))));
    expect(tx1.addTimers).toEqual([{ id: 'i1|exec-1|timer|0', instanceId: 'i1', executionId: 'exec-1', timerId: 0, fireAt: deadline.toISOString() }]);
    expect(h.instance.openTimers).toEqual({ 0: { position: 0, fireAt: deadline.toISOString() } });

    const tx2 = await h.episode([raisedMsg(h, 'Approval', true)], running(any(timer(deadline, true), wait('Approval')), activity('Flash')));
    expect(tx2.removeTimers).toEqual([timerItemId(h.instance, 0)]);
    expect(h.instance.openTimers).toEqual({});
    expect(tx2.addActivities!.map((a) => a.taskScheduledId)).toEqual([1]);
  });

  it('a timer yielded already cancelled gets a TimerCreated but no timer item', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(timer(later(1000), true), activity('A')));
    expect(appended(tx)).toContain('TimerCreated#0');
    expect(tx.addTimers).toEqual([]);
    expect(tx.addActivities!.map((a) => a.taskScheduledId)).toEqual([1]);
  });
});

describe('Episode: completion', () => {
  it('isDone → Completed with output, customStatus and ExecutionCompleted', async () => {
    const h = harness();
    await h.episode(start(h), running(activity('A')));
    const tx = await h.episode([completedMsg(h, 0, 'flashed')], { ...done({ devices: 3 }, activity('A')), customStatus: { phase: 'done' } }, later(500));
    expect(h.instance).toMatchObject({ status: 'Completed', output: '{"devices":3}', customStatus: '{"phase":"done"}', lastUpdatedTime: later(500).toISOString() });
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'TaskCompleted#0', 'ExecutionCompleted', 'OrchestratorCompleted']);
    expect(eventOf(tx, EventType.ExecutionCompleted)[0]!.Result).toBe('{"devices":3}');
    expect(tx.addMessages).toEqual([]); // no parent to notify
  });

  it('an undefined output is stored as JSON null', async () => {
    const h = harness();
    await h.episode(start(h), done(undefined));
    expect(h.instance.output).toBe('null');
    expect(h.instance.status).toBe('Completed');
  });

  it('completing removes the timers still open', async () => {
    const h = harness();
    await h.episode(start(h), running(any(timer(later(60_000)), activity('A'))));
    const tx = await h.episode([completedMsg(h, 1, 1)], done('fast', any(timer(later(60_000)), activity('A'))));
    expect(tx.removeTimers).toEqual(['i1|exec-1|timer|0']);
  });

  it("a child's completion notifies its parent with the parent's TaskScheduledId", async () => {
    const child = newInstance('Child', 'parent-1:4', '"north"', 'child-exec', t0, { instanceId: 'parent-1', executionId: 'parent-exec', taskScheduledId: 4, name: 'Rollout' });
    const h = harness(child);
    const first = await h.episode(start(h), done(['d1', 'd2']));
    expect(first.addMessages).toHaveLength(1);
    const note = first.addMessages![0]!;
    expect(note).toMatchObject({ instanceId: 'parent-1', executionId: 'parent-exec' });
    expect(note.event).toMatchObject({ EventType: EventType.SubOrchestrationInstanceCompleted, TaskScheduledId: 4, Result: '["d1","d2"]' });
  });

  it("a child's failure notifies its parent with SubOrchestrationInstanceFailed", async () => {
    const child = newInstance('Child', 'c', 'null', 'child-exec', t0, { instanceId: 'p', executionId: 'pe', taskScheduledId: 2, name: 'Rollout' });
    const h = harness(child);
    const tx = await h.episode(start(h), { ok: false, message: 'bad input', details: 'at line 3' });
    expect(tx.addMessages![0]!.event).toMatchObject({ EventType: EventType.SubOrchestrationInstanceFailed, TaskScheduledId: 2, Reason: 'bad input', Details: 'at line 3' });
    expect(tx.addMessages![0]!.instanceId).toBe('p');
  });
});

describe('Episode: sub-orchestrations', () => {
  it('creates the child instance with its parent and an ExecutionStarted carrying the TaskScheduleId', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(activity('A'), sub('FlashRegion', 'north')));
    const child = tx.instances!.find((i) => i.instanceId === 'i1:1');
    expect(child).toMatchObject({ name: 'FlashRegion', status: 'Pending', input: '"north"', parent: { instanceId: 'i1', executionId: 'exec-1', taskScheduledId: 1, name: 'Rollout' } });
    expect(tx.history).toContainEqual({ instanceId: 'i1:1', reset: true, events: [] });
    const startChild = tx.addMessages!.find((m) => m.instanceId === 'i1:1')!;
    expect(startChild.event).toMatchObject({
      EventType: EventType.ExecutionStarted, Name: 'FlashRegion', Input: '"north"',
      ParentInstance: { Name: 'Rollout', OrchestrationInstance: { InstanceId: 'i1', ExecutionId: 'exec-1' }, TaskScheduleId: 1 },
    });
  });

  it('a sub-orchestration id that is already running fails that task instead of replacing the instance', async () => {
    const h = harness();
    h.existing.set('busy', newInstance('FlashRegion', 'busy', 'null', 'x', t0));
    h.existing.get('busy')!.status = 'Running';
    const tx = await h.episode(start(h), running(sub('FlashRegion', null, 'busy')));
    expect(tx.instances!.map((i) => i.instanceId)).toEqual(['i1']);
    expect(tx.addMessages).toHaveLength(1);
    expect(tx.addMessages![0]).toMatchObject({ instanceId: 'i1', executionId: 'exec-1' });
    expect(tx.addMessages![0]!.event).toMatchObject({ EventType: EventType.SubOrchestrationInstanceFailed, TaskScheduledId: 0 });
    expect(tx.addMessages![0]!.event.Reason).toContain("'busy' already exists and is Running");
  });
});

describe('Episode: continueAsNew', () => {
  it('resets the history, the sequence and enqueues a new ExecutionStarted with the new input', async () => {
    const h = harness();
    await h.episode(start(h), running(timer(later(60_000)), activity('A'), activity('B')));
    expect(h.instance.nextSequence).toBe(3);
    const cont: Action = { actionType: ActionType.ContinueAsNew, input: '"round-2"' };
    const tx = await h.episode([completedMsg(h, 1, 1), completedMsg(h, 2, 2)], done(undefined, timer(later(60_000)), activity('A'), activity('B'), cont));

    expect(tx.history).toEqual([{ instanceId: 'i1', reset: true, events: [] }]);
    expect(h.instance).toMatchObject({ status: 'Running', nextSequence: 0, leafCount: 0, executionId: 'exec-2', input: '"round-2"', openTimers: {} });
    expect(tx.removeTimers).toEqual(['i1|exec-1|timer|0']);
    expect(tx.addMessages).toHaveLength(1);
    expect(tx.addMessages![0]).toMatchObject({ instanceId: 'i1', executionId: 'exec-2' });
    expect(tx.addMessages![0]!.event).toMatchObject({
      EventType: EventType.ExecutionStarted, Name: 'Rollout', Input: '"round-2"', OrchestrationInstance: { InstanceId: 'i1', ExecutionId: 'exec-2' },
    });

    // the next execution starts numbering at 0 again
    const tx3 = await h.episode(tx.addMessages!, running(activity('A')));
    expect(appended(tx3)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0', 'OrchestratorCompleted']);
    expect(tx3.addActivities![0]).toMatchObject({ id: 'i1|exec-2|0', executionId: 'exec-2', taskScheduledId: 0 });
  });

  it('an object input is stored as its JSON', async () => {
    const h = harness();
    await h.episode(start(h), done(undefined, { actionType: ActionType.ContinueAsNew, input: { round: 2 } }));
    expect(h.instance.input).toBe('{"round":2}');
  });
});

describe('Episode: retries (the host owns the retry loop)', () => {
  const options: RetryOptionsWire = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3, backoffCoefficient: 2 };

  it("a retried activity's TaskFailed allocates a retry timer with the next number; its firing re-schedules with the one after", async () => {
    const h = harness();
    const flaky = retried('Flash', options, '"dev-1"');
    const tx1 = await h.episode(start(h), running(flaky));
    expect(tx1.addActivities!.map((a) => a.taskScheduledId)).toEqual([0]);

    const tx2 = await h.episode([failedMsg(h, 0)], running(flaky), later(10));
    expect(appended(tx2)).toEqual(['OrchestratorStarted', 'TaskFailed#0', 'TimerCreated#1', 'OrchestratorCompleted']);
    expect(eventOf(tx2, EventType.TimerCreated)[0]).toMatchObject({ EventId: 1, RetryOf: 0, FireAt: later(1010).toISOString() });
    expect(tx2.addTimers).toEqual([{ id: 'i1|exec-1|timer|1', instanceId: 'i1', executionId: 'exec-1', timerId: 1, fireAt: later(1010).toISOString() }]);
    expect(tx2.addActivities).toEqual([]);
    expect(h.instance.warning).toBeUndefined();

    const tx3 = await h.episode([firedMsg(h, 1, later(1010))], running(flaky), later(1010));
    expect(appended(tx3)).toEqual(['OrchestratorStarted', 'TimerFired#1', 'TaskScheduled#2', 'OrchestratorCompleted']);
    expect(eventOf(tx3, EventType.TaskScheduled)[0]).toMatchObject({ EventId: 2, Name: 'Flash', Input: '"dev-1"', RetryOf: 0 });
    expect(tx3.addActivities).toEqual([{ id: 'i1|exec-1|2', instanceId: 'i1', executionId: 'exec-1', taskScheduledId: 2, name: 'Flash', input: '"dev-1"' }]);

    // second failure: backoff doubles the delay
    const tx4 = await h.episode([failedMsg(h, 2)], running(flaky), later(2000));
    expect(eventOf(tx4, EventType.TimerCreated)[0]).toMatchObject({ EventId: 3, RetryOf: expect.any(Number), FireAt: later(4000).toISOString() });
    expect(h.instance.nextSequence).toBe(4);
  });

  it('retry ids are allocated before the new actions of the same episode', async () => {
    const h = harness();
    const flaky = retried('Flash', options);
    await h.episode(start(h), running(flaky, activity('Other')));
    // the completion of Other arrives first, but the failure is delivered first
    const tx = await h.episode([completedMsg(h, 1, 'ok'), failedMsg(h, 0)], running(flaky, activity('Other'), activity('Next')));
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'TaskFailed#0', 'TimerCreated#2', 'TaskCompleted#1', 'TaskScheduled#3', 'OrchestratorCompleted']);
    expect(tx.addActivities!.map((a) => [a.name, a.taskScheduledId])).toEqual([['Next', 3]]);
  });

  it('after the last attempt the final retry timer takes no number and re-schedules nothing', async () => {
    const h = harness();
    const flaky = retried('Flash', { firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 1 });
    await h.episode(start(h), running(flaky));
    await h.episode([failedMsg(h, 0)], running(flaky));
    expect(h.instance.nextSequence).toBe(2);
    const tx = await h.episode([firedMsg(h, 1, later(100))], running(flaky, activity('Cleanup')));
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'TimerFired#1', 'TaskScheduled#2', 'OrchestratorCompleted']);
    expect(tx.addActivities!.map((a) => [a.name, a.taskScheduledId])).toEqual([['Cleanup', 2]]);
    expect(h.instance.retries).toEqual({});
  });

  it('a successful attempt ends the retry loop', async () => {
    const h = harness();
    const flaky = retried('Flash', options);
    await h.episode(start(h), running(flaky));
    expect(Object.keys(h.instance.retries)).toEqual(['0']);
    await h.episode([completedMsg(h, 0, 'ok')], done('ok', flaky));
    expect(h.instance.retries).toEqual({});
    expect(h.instance.status).toBe('Completed');
  });
});

describe('Episode: failures', () => {
  it('an unsupported action (CallHttp) fails the instance with a clear message', async () => {
    const h = harness();
    const tx = await h.episode(start(h), running(activity('A'), { actionType: ActionType.CallHttp }));
    expect(h.instance.status).toBe('Failed');
    expect(JSON.parse(h.instance.output)).toBe("Orchestrator function 'Rollout' failed: CallHttp is not supported by the devhost.");
    expect(eventOf(tx, EventType.ExecutionCompleted)[0]).toMatchObject({ Result: h.instance.output, Reason: 'CallHttp is not supported by the devhost.' });
    expect(h.deps.warn).toHaveBeenCalledWith(expect.stringContaining('CallHttp is not supported'));
  });

  it("runOrchestrator returning {ok:false} fails the instance with output \"Orchestrator function 'X' failed: <message>\"", async () => {
    const h = harness();
    await h.episode(start(h), running(any(timer(later(60_000)), activity('A'))));
    const tx = await h.episode([completedMsg(h, 1, 1)], { ok: false, message: 'Cannot read properties of undefined', details: 'stack' });
    expect(h.instance.status).toBe('Failed');
    expect(JSON.parse(h.instance.output)).toBe("Orchestrator function 'Rollout' failed: Cannot read properties of undefined");
    expect(appended(tx)).toEqual(['OrchestratorStarted', 'TaskCompleted#1', 'ExecutionCompleted', 'OrchestratorCompleted']);
    expect(tx.removeTimers).toEqual(['i1|exec-1|timer|0']);
    expect(h.instance.openTimers).toEqual({});
  });

  it('a replay that asks for a different activity fails the instance naming both', async () => {
    const h = harness();
    await h.episode(start(h), running(activity('ValidateFirmware')));
    const tx = await h.episode([completedMsg(h, 0, 1)], running(activity('FlashDevice')));
    expect(h.instance.status).toBe('Failed');
    expect(h.instance.output).toContain("TaskScheduled 'ValidateFirmware'");
    expect(h.instance.output).toContain("CallActivity 'FlashDevice'");
    expect(tx.addActivities).toEqual([]);
  });
});

describe('Episode: waiting on nothing', () => {
  it('warns when nothing is pending', async () => {
    const h = harness();
    await h.episode(start(h), running());
    expect(h.instance.warning).toMatch(/waiting on nothing/);
    expect(h.deps.warn).toHaveBeenCalledWith(expect.stringMatching(/^i1: .*waiting on nothing/));
  });

  it('does not warn while an external event is awaited', async () => {
    const h = harness();
    await h.episode(start(h), running(wait('Approval')));
    expect(h.instance.warning).toBeUndefined();
  });

  it('does not warn when the orchestrator waits for the same event again after one was delivered', async () => {
    const h = harness();
    await h.episode(start(h), running(wait('Approval')));
    // one approval arrives; the orchestrator (say, "collect two approvals") now waits for a second one
    await h.episode([raisedMsg(h, 'Approval', 'alice')], running(wait('Approval'), wait('Approval')));
    expect(h.instance.warning).toBeUndefined();
    expect(h.deps.warn).not.toHaveBeenCalled();
  });
});
