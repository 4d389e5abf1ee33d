import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventType, historyEvent, type HistoryEvent } from '../../../devhost/durable/history';
import type { ActivityWorkItem, EntityRecord, Instance, OrchestratorMessage, TimerItem } from '../../../devhost/durable/model';
import { TaskHubStore } from '../../../devhost/durable/task-hub-store';

const at = new Date('2024-05-01T10:00:00.000Z');

const instance = (instanceId: string, overrides: Partial<Instance> = {}): Instance => ({
  instanceId, name: 'Rollout', executionId: `${instanceId}-e1`, status: 'Running', input: '{"fleet":"north"}', output: 'null',
  customStatus: 'null', createdTime: at.toISOString(), lastUpdatedTime: at.toISOString(), leafCount: 0, nextSequence: 0,
  openTimers: {}, retries: {}, ...overrides,
});
const event = (type: EventType, fields: Partial<HistoryEvent> = {}): HistoryEvent => historyEvent(type, at, { IsPlayed: true, ...fields });
const message = (id: string, instanceId: string, fields: Partial<HistoryEvent> = {}): OrchestratorMessage => ({
  id, instanceId, executionId: `${instanceId}-e1`, event: event(EventType.EventRaised, { Name: 'Approval', Input: '"yes"', ...fields }),
});
const activity = (instanceId: string, seq: number): ActivityWorkItem => ({
  id: `${instanceId}|${instanceId}-e1|${seq}`, instanceId, executionId: `${instanceId}-e1`, taskScheduledId: seq, name: 'Flash', input: '"fw-2"',
});
const timer = (instanceId: string, seq: number, fireAt = '2024-05-01T11:00:00.000Z'): TimerItem => ({
  id: `${instanceId}|${instanceId}-e1|timer|${seq}`, instanceId, executionId: `${instanceId}-e1`, timerId: seq, fireAt,
});

const entity = (name: string, key: string, state: unknown): EntityRecord => ({
  entityId: `@${name}@${key}`, name, key, exists: true, state: JSON.stringify(state), lastModifiedTime: at.toISOString(),
});

/** Everything a user of the store can observe, as plain data. */
function stateOf(store: TaskHubStore): unknown {
  return {
    instances: Object.fromEntries(store.instances),
    entities: Object.fromEntries(store.entities),
    histories: Object.fromEntries(store.histories),
    inbox: Object.fromEntries(store.inbox),
    activities: Object.fromEntries(store.activities),
    timers: Object.fromEntries(store.timers),
    clockOffsetMs: store.clockOffsetMs,
  };
}

const journalLines = (dir: string): string[] => fs.readFileSync(path.join(dir, 'taskhub.jsonl'), 'utf8').split('\n').filter(Boolean);

let root: string;
let open: TaskHubStore[] = [];
let counter = 0;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'taskhub-test-'));
});
afterEach(() => {
  for (const store of open) store.close();
  open = [];
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function freshDir(): string {
  return path.join(root, `hub-${++counter}`);
}
function openStore(dir: string | undefined): TaskHubStore {
  const store = TaskHubStore.open(dir);
  open.push(store);
  return store;
}
function reopen(store: TaskHubStore, dir: string): TaskHubStore {
  store.close();
  return openStore(dir);
}

/** A few transactions touching every part of the store. */
function populate(store: TaskHubStore): void {
  store.commit({
    instances: [instance('a'), instance('b')],
    history: [
      { instanceId: 'a', reset: true, events: [event(EventType.OrchestratorStarted), event(EventType.ExecutionStarted, { Name: 'Rollout' })] },
      { instanceId: 'b', reset: true, events: [] },
    ],
    addMessages: [message('m1', 'a'), message('m2', 'b')],
  });
  store.commit({
    history: [{ instanceId: 'a', events: [event(EventType.TaskScheduled, { EventId: 0, Name: 'Flash' }), event(EventType.OrchestratorCompleted)] }],
    removeMessages: [{ instanceId: 'a', ids: ['m1'] }],
    addActivities: [activity('a', 0), activity('a', 1)],
    addTimers: [timer('a', 2), timer('b', 0)],
    clockOffsetMs: 3_600_000,
  });
  store.commit({
    instances: [instance('a', { status: 'Running', nextSequence: 3, leafCount: 3 })],
    history: [{ instanceId: 'a', events: [event(EventType.OrchestratorStarted), event(EventType.TaskCompleted, { TaskScheduledId: 0, Result: '"ok"' })] }],
    removeActivities: [activity('a', 0).id],
    removeTimers: [timer('b', 0).id],
    addMessages: [message('m3', 'a', { Name: 'Cancel' })],
    entities: [entity('counter', 'north', 1), entity('counter', 'south', 5)],
  });
  store.commit({ entities: [entity('counter', 'north', 2)] });
}

describe('TaskHubStore: commit', () => {
  it('applies each transaction in memory', () => {
    const store = openStore(undefined);
    populate(store);
    expect(store.instances.get('a')).toMatchObject({ nextSequence: 3, leafCount: 3 });
    expect(store.history('a').map((e) => EventType[e.EventType])).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled', 'OrchestratorCompleted', 'OrchestratorStarted', 'TaskCompleted',
    ]);
    expect(store.history('b')).toEqual([]);
    expect(store.messages('a').map((m) => m.id)).toEqual(['m3']);
    expect(store.messages('b').map((m) => m.id)).toEqual(['m2']);
    expect([...store.activities.keys()]).toEqual([activity('a', 1).id]);
    expect([...store.timers.keys()]).toEqual([timer('a', 2).id]);
    expect(store.clockOffsetMs).toBe(3_600_000);
    expect(store.entities.get('@counter@north')?.state).toBe('2');
    expect(store.entities.get('@counter@south')?.state).toBe('5');
  });

  it('history with reset replaces, without reset appends', () => {
    const store = openStore(undefined);
    store.commit({ history: [{ instanceId: 'a', events: [event(EventType.ExecutionStarted)] }] });
    store.commit({ history: [{ instanceId: 'a', events: [event(EventType.TaskScheduled, { EventId: 0 })] }] });
    expect(store.history('a').map((e) => e.EventType)).toEqual([EventType.ExecutionStarted, EventType.TaskScheduled]);
    store.commit({ history: [{ instanceId: 'a', reset: true, events: [event(EventType.OrchestratorStarted)] }] });
    expect(store.history('a').map((e) => e.EventType)).toEqual([EventType.OrchestratorStarted]);
  });

  it('adds a message with the same id only once, and drops an emptied inbox', () => {
    const store = openStore(undefined);
    store.commit({ addMessages: [message('m1', 'a'), message('m1', 'a'), message('m2', 'a')] });
    store.commit({ addMessages: [message('m1', 'a')] });
    expect(store.messages('a').map((m) => m.id)).toEqual(['m1', 'm2']);
    store.commit({ removeMessages: [{ instanceId: 'a', ids: ['m1', 'm2'] }] });
    expect(store.inbox.has('a')).toBe(false);
    expect(store.messages('a')).toEqual([]);
  });

  it('unknown instances have an empty history and inbox', () => {
    const store = openStore(undefined);
    expect(store.history('nope')).toEqual([]);
    expect(store.messages('nope')).toEqual([]);
  });
});

describe('TaskHubStore: journal', () => {
  it('reopening gives back the same state', () => {
    const dir = freshDir();
    const store = openStore(dir);
    populate(store);
    const expected = JSON.parse(JSON.stringify(stateOf(store)));
    const again = reopen(store, dir);
    expect(stateOf(again)).toEqual(expected);
    expect(again.entities.get('@counter@north')?.state).toBe('2');
  });

  it('keeps history order and the clock offset across several restarts with commits in between', () => {
    const dir = freshDir();
    let store = openStore(dir);
    for (let i = 0; i < 4; i++) {
      store.commit({
        history: [{ instanceId: 'a', events: [event(EventType.TaskScheduled, { EventId: i, Name: `step-${i}` })] }],
        clockOffsetMs: i * 1000,
      });
      store = reopen(store, dir);
    }
    expect(store.history('a').map((e) => e.Name)).toEqual(['step-0', 'step-1', 'step-2', 'step-3']);
    expect(store.clockOffsetMs).toBe(3000);
  });

  it('a torn last line is ignored and everything before it survives', () => {
    const dir = freshDir();
    const store = openStore(dir);
    populate(store);
    const expected = JSON.parse(JSON.stringify(stateOf(store)));
    store.close();
    const torn = JSON.stringify({ instances: [instance('c')], addMessages: [message('m9', 'c')] });
    fs.appendFileSync(path.join(dir, 'taskhub.jsonl'), torn.slice(0, Math.floor(torn.length / 2)));

    const again = openStore(dir);
    expect(stateOf(again)).toEqual(expected);
    expect(again.instances.has('c')).toBe(false);

    // the torn bytes are gone: a later commit lands on a line of its own and survives the next restart
    again.commit({ instances: [instance('d')] });
    const third = reopen(again, dir);
    expect([...third.instances.keys()].sort()).toEqual(['a', 'b', 'd']);
    expect(third.messages('a').map((m) => m.id)).toEqual(['m3']);
  });

  it('reopening compacts the journal to one line, and later commits append one line each', () => {
    const dir = freshDir();
    const store = openStore(dir);
    expect(journalLines(dir)).toHaveLength(1); // the (empty) snapshot
    populate(store);
    expect(journalLines(dir)).toHaveLength(5);
    const again = reopen(store, dir);
    expect(journalLines(dir)).toHaveLength(1);
    again.commit({ clockOffsetMs: 5 });
    expect(journalLines(dir)).toHaveLength(2);
    expect(fs.readdirSync(dir)).toEqual(['taskhub.jsonl']);
  });

  it('creates a missing data directory', () => {
    const dir = path.join(freshDir(), 'nested', 'deeper');
    openStore(dir).commit({ instances: [instance('a')] });
    expect(fs.existsSync(path.join(dir, 'taskhub.jsonl'))).toBe(true);
  });

  it('commits after close() are applied in memory but not journaled', () => {
    const dir = freshDir();
    const store = openStore(dir);
    store.close();
    store.commit({ instances: [instance('late')] });
    expect(store.instances.has('late')).toBe(true);
    expect(openStore(dir).instances.has('late')).toBe(false);
  });
});

describe('TaskHubStore: in-memory mode', () => {
  it('writes nothing to disk', () => {
    const spies = (['writeSync', 'writeFileSync', 'appendFileSync', 'openSync', 'mkdirSync', 'renameSync'] as const).map((name) => jest.spyOn(fs, name));
    try {
      const store = openStore(undefined);
      populate(store);
      store.close();
      expect(store.instances.size).toBe(2);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('TaskHubStore: purge', () => {
  it('removes the instance, its history and its inbox, and nothing of other instances', () => {
    const dir = freshDir();
    const store = openStore(dir);
    populate(store);
    store.commit({ purge: ['a'] });
    const check = (s: TaskHubStore) => {
      expect(s.instances.has('a')).toBe(false);
      expect(s.histories.has('a')).toBe(false);
      expect(s.inbox.has('a')).toBe(false);
      expect(s.instances.has('b')).toBe(true);
      expect(s.messages('b').map((m) => m.id)).toEqual(['m2']);
      expect(s.histories.has('b')).toBe(true);
      expect(s.entities.size).toBe(2); // entity state is not an orchestration's
    };
    check(store);
    check(reopen(store, dir));
  });

  it('purge then re-create in one transaction starts the instance afresh (restart with the same id)', () => {
    const store = openStore(undefined);
    populate(store);
    store.commit({
      purge: ['a'],
      instances: [instance('a', { executionId: 'a-e2' })],
      history: [{ instanceId: 'a', reset: true, events: [] }],
      addMessages: [message('start', 'a')],
    });
    expect(store.instances.get('a')?.executionId).toBe('a-e2');
    expect(store.history('a')).toEqual([]);
    expect(store.messages('a').map((m) => m.id)).toEqual(['start']);
  });
});
