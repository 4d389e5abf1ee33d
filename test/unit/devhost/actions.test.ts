import {
  ActionType,
  consumesSequenceNumber,
  decodeActionInput,
  describeAction,
  flattenActions,
  retryDelayMs,
  type Action,
  type RetryOptionsWire,
} from '../../../devhost/durable/actions';

const activity = (name: string, input?: unknown): Action => ({ actionType: ActionType.CallActivity, functionName: name, input });
const timer = (fireAt: string): Action => ({ actionType: ActionType.CreateTimer, fireAt, isCanceled: false });
const wait = (name: string): Action => ({ actionType: ActionType.WaitForExternalEvent, externalEventName: name, reason: 'ExternalEvent' });
const all = (...children: Action[]): Action => ({ actionType: ActionType.WhenAll, compoundActions: children });
const any = (...children: Action[]): Action => ({ actionType: ActionType.WhenAny, compoundActions: children });

const names = (actions: Action[]): string[] => actions.map((a) => a.functionName ?? a.externalEventName ?? a.fireAt ?? ActionType[a.actionType]!);

describe('flattenActions: leaves in yield order', () => {
  it.each<[string, Action[], string[]]>([
    ['no actions', [], []],
    ['plain sequence', [activity('A'), activity('B'), activity('C')], ['A', 'B', 'C']],
    ['Task.all of three', [all(activity('A'), activity('B'), activity('C'))], ['A', 'B', 'C']],
    ['actions before and after a compound', [activity('A'), all(activity('B'), activity('C')), activity('D')], ['A', 'B', 'C', 'D']],
    [
      'WhenAny nested in WhenAll',
      [all(activity('A'), any(timer('2024-01-01T00:00:00.000Z'), wait('Approval')), activity('B')), activity('C')],
      ['A', '2024-01-01T00:00:00.000Z', 'Approval', 'B', 'C'],
    ],
    ['WhenAll nested in WhenAny nested in WhenAll', [all(any(all(activity('A'), activity('B')), activity('C')), activity('D'))], ['A', 'B', 'C', 'D']],
    ['an empty Task.all yields no leaf', [activity('A'), all(), activity('B')], ['A', 'B']],
  ])('%s', (_case, actions, expected) => {
    expect(names(flattenActions(actions))).toEqual(expected);
  });

  it('a task re-yielded inside a later Task.any/Task.all (the same object) is listed once, where first yielded', () => {
    const pending = activity('Slow');
    const t = timer('2024-01-01T00:00:00.000Z');
    const leaves = flattenActions([any(pending, t), any(pending, wait('Approval')), activity('Next')]);
    expect(names(leaves)).toEqual(['Slow', '2024-01-01T00:00:00.000Z', 'Approval', 'Next']);
    expect(leaves[0]).toBe(pending);
  });

  it('two equal but separate calls are two leaves', () => {
    expect(names(flattenActions([activity('A', 1), any(activity('A', 1), activity('A', 1))]))).toEqual(['A', 'A', 'A']);
  });

  it('returns the leaf objects themselves (so isCanceled of a nested timer is visible)', () => {
    const t = timer('2024-01-01T00:00:00.000Z');
    const [leaf] = flattenActions([any(t, wait('Approval'))]);
    expect(leaf).toBe(t);
  });
});

describe('consumesSequenceNumber: which actions take an id from the SDK counter', () => {
  it.each<[ActionType, boolean]>([
    [ActionType.CallActivity, true],
    [ActionType.CallActivityWithRetry, true],
    [ActionType.CallSubOrchestrator, true],
    [ActionType.CallSubOrchestratorWithRetry, true],
    [ActionType.CreateTimer, true],
    [ActionType.CallEntity, true],
    [ActionType.SignalEntity, true],
    [ActionType.CallHttp, true],
    [ActionType.WaitForExternalEvent, false],
    [ActionType.ContinueAsNew, false],
  ])('%s → %s', (actionType, expected) => {
    expect(consumesSequenceNumber({ actionType })).toBe(expected);
  });
});

describe('decodeActionInput: the input the called function receives', () => {
  it.each<[string, Action, unknown]>([
    // callActivity / continueAsNew JSON-encode string inputs
    ['activity, string input', { actionType: ActionType.CallActivity, input: '"device-7"' }, 'device-7'],
    ['activity with retry, string input', { actionType: ActionType.CallActivityWithRetry, input: '"device-7"' }, 'device-7'],
    ['continueAsNew, string input', { actionType: ActionType.ContinueAsNew, input: '"round 2"' }, 'round 2'],
    ['activity, string input that is a JSON number', { actionType: ActionType.CallActivity, input: '42' }, 42],
    ['activity, object input is raw', { actionType: ActionType.CallActivity, input: { id: 7 } }, { id: 7 }],
    ['activity, number input is raw', { actionType: ActionType.CallActivity, input: 3 }, 3],
    ['activity, no input', { actionType: ActionType.CallActivity }, undefined],
    ['continueAsNew, object input is raw', { actionType: ActionType.ContinueAsNew, input: { round: 2 } }, { round: 2 }],
    // sub-orchestration inputs arrive raw, strings too
    ['sub-orchestration, string input', { actionType: ActionType.CallSubOrchestrator, input: '"quoted"' }, '"quoted"'],
    ['sub-orchestration with retry, plain string', { actionType: ActionType.CallSubOrchestratorWithRetry, input: 'plain' }, 'plain'],
    ['sub-orchestration, object input', { actionType: ActionType.CallSubOrchestrator, input: { a: [1, 2] } }, { a: [1, 2] }],
  ])('%s', (_case, action, expected) => {
    expect(decodeActionInput(action)).toEqual(expected);
  });
});

describe('retryDelayMs: delay before the next attempt', () => {
  const opts = (o: Partial<RetryOptionsWire>): RetryOptionsWire => ({ firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5, ...o });
  it.each<[string, RetryOptionsWire, number, number]>([
    ['no backoff: constant', opts({}), 1, 1000],
    ['no backoff: constant (attempt 4)', opts({}), 4, 1000],
    ['backoff 2, after the first failure', opts({ backoffCoefficient: 2 }), 1, 1000],
    ['backoff 2, after the second failure', opts({ backoffCoefficient: 2 }), 2, 2000],
    ['backoff 2, after the fourth failure', opts({ backoffCoefficient: 2 }), 4, 8000],
    ['backoff 1.5, after the third failure', opts({ backoffCoefficient: 1.5 }), 3, 2250],
    ['max interval caps the backoff', opts({ backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 3000 }), 3, 3000],
    ['max interval above the delay changes nothing', opts({ backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 3000 }), 2, 2000],
    ['max interval 0 means no cap', opts({ backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 0 }), 5, 16000],
    ['max interval below the first interval caps it too', opts({ maxRetryIntervalInMilliseconds: 250 }), 1, 250],
  ])('%s', (_case, options, attempt, expected) => {
    expect(retryDelayMs(options, attempt)).toBe(expected);
  });
});

describe('describeAction', () => {
  it.each<[Action, string]>([
    [activity('SendEmail'), "CallActivity 'SendEmail'"],
    [{ actionType: ActionType.CallSubOrchestrator, functionName: 'Child' }, "CallSubOrchestrator 'Child'"],
    [timer('2024-01-01T00:00:00.000Z'), 'CreateTimer'],
    [{ actionType: 99 as ActionType }, 'action type 99'],
  ])('%j → %s', (action, expected) => {
    expect(describeAction(action)).toBe(expected);
  });
});
