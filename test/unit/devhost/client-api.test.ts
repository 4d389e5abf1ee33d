import { DurableHttpApi, type ApiRequest, type ApiResponse } from '../../../devhost/durable/client-api';
import { HostClock } from '../../../devhost/durable/clock';
import { DurableEngine } from '../../../devhost/durable/engine';
import { TaskHubStore } from '../../../devhost/durable/task-hub-store';
import { registerFunction, type Disposable } from '../../../devhost/functions-core';

const baseUrl = 'http://localhost:7071';
const hub = 'TestHub';
const common = `taskHub=${hub}&connection=Storage&code=local`;

let registrations: Disposable[] = [];
let engine: DurableEngine;
let api: DurableHttpApi;
let log: jest.Mock;

beforeAll(() => {
  // Only the registry entry matters: no programming model is set, so every episode of 'orch' fails.
  registrations = [
    registerFunction({ name: 'orch', bindings: { t: { type: 'orchestrationTrigger', direction: 'in' } } }, () => undefined),
    registerFunction({ name: 'act', bindings: { t: { type: 'activityTrigger', direction: 'in' } } }, () => undefined),
    registerFunction({ name: 'Counter', bindings: { t: { type: 'entityTrigger', direction: 'in' } } }, () => undefined),
  ];
});
afterAll(() => {
  for (const r of registrations) r.dispose();
});

beforeEach(() => {
  log = jest.fn();
  engine = new DurableEngine(TaskHubStore.open(undefined), new HostClock(), { maxConcurrentActivities: 4, autoSkip: false, log });
  api = new DurableHttpApi(engine, baseUrl, hub);
});
afterEach(() => engine.stop());

function call(method: string, pathAndQuery: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): ApiResponse {
  const [path, query = ''] = pathAndQuery.split('?');
  const text = options.rawBody ?? (options.body === undefined ? '' : JSON.stringify(options.body));
  const req: ApiRequest = { method, path: path!, query: new URLSearchParams(query), headers: options.headers ?? {}, body: Buffer.from(text) };
  return api.handle(req);
}
const start = (name: string, id?: string, body?: unknown) => call('POST', id === undefined ? `orchestrators/${name}` : `orchestrators/${name}/${encodeURIComponent(id)}`, { body });

/** Lets the engine run the (failing) first episode of `id`. */
async function untilSettled(id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const status = engine.store.instances.get(id)?.status;
    if (status === 'Failed' || status === 'Completed' || status === 'Terminated') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`instance ${id} did not settle`);
}

const ids = (res: ApiResponse) => (res.body as { instanceId: string }[]).map((s) => s.instanceId);

describe('POST orchestrators/{name}[/{id}]', () => {
  it('starts an instance: 202 with management URLs naming it', () => {
    const res = start('orch', 'rollout-1', { fleet: 'north' });
    const statusUri = `${baseUrl}/runtime/webhooks/durabletask/instances/rollout-1?${common}`;
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      id: 'rollout-1',
      statusQueryGetUri: statusUri,
      sendEventPostUri: `${baseUrl}/runtime/webhooks/durabletask/instances/rollout-1/raiseEvent/{eventName}?${common}`,
      terminatePostUri: `${baseUrl}/runtime/webhooks/durabletask/instances/rollout-1/terminate?reason={text}&${common}`,
    });
    expect(res.headers).toEqual({ Location: statusUri });
    expect(engine.store.instances.get('rollout-1')).toMatchObject({ name: 'orch', status: 'Pending', input: '{"fleet":"north"}' });
  });

  it('generates an id when none is given', () => {
    const res = start('orch');
    const id = (res.body as { id: string }).id;
    expect(res.status).toBe(202);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect((res.body as { statusQueryGetUri: string }).statusQueryGetUri).toContain(`/instances/${id}?`);
    expect(engine.store.instances.has(id)).toBe(true);
  });

  it('URL-encodes instance ids in the links', () => {
    const res = start('orch', 'fleet north/1');
    expect(engine.store.instances.has('fleet north/1')).toBe(true);
    expect((res.body as { statusQueryGetUri: string }).statusQueryGetUri).toContain('/instances/fleet%20north%2F1?');
  });

  it('finds the orchestrator case-insensitively', () => {
    expect(start('ORCH', 'x').status).toBe(202);
  });

  it.each<[string, string]>([
    ['an unknown function', 'nope'],
    ['a function that is not an orchestrator', 'act'],
  ])('%s → 400', (_case, name) => {
    const res = start(name, 'x');
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain(`'${name}'`);
    expect(engine.store.instances.size).toBe(0);
  });

  it('a body that is not JSON → 400', () => {
    const res = call('POST', 'orchestrators/orch/x', { rawBody: '{not json' });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/not valid JSON/);
    expect(engine.store.instances.size).toBe(0);
  });

  it('an id that is still running → 409, and the running instance is kept', () => {
    expect(start('orch', 'dup', 1).status).toBe(202);
    const res = start('orch', 'dup', 2);
    expect(res.status).toBe(409);
    expect((res.body as { message: string }).message).toContain("'dup' already exists and is Pending");
    expect(engine.store.instances.get('dup')!.input).toBe('1');
  });

  it('an id whose instance finished can be started again', async () => {
    start('orch', 'again', 1);
    await untilSettled('again');
    const res = start('orch', 'again', 2);
    expect(res.status).toBe(202);
    expect(engine.store.instances.get('again')).toMatchObject({ status: 'Pending', input: '2' });
  });
});

describe('GET instances/{id}', () => {
  it('unknown → 404 with no body, as Azure sends', () => {
    const res = call('GET', 'instances/nope');
    expect(res.status).toBe(404);
    expect(res.body).toBeUndefined();
  });

  it('returnInternalServerErrorOnFailure=true turns a Failed status into a 500 with the same body', async () => {
    start('orch', 'f500');
    expect(call('GET', 'instances/f500?returnInternalServerErrorOnFailure=true').status).toBe(202);
    await untilSettled('f500');
    const plain = call('GET', 'instances/f500');
    const as500 = call('GET', 'instances/f500?returnInternalServerErrorOnFailure=true');
    expect(plain.status).toBe(200);
    expect(as500.status).toBe(500);
    expect(as500.body).toEqual(plain.body);
    expect(call('GET', 'instances/f500?returnInternalServerErrorOnFailure=false').status).toBe(200);
  });

  it('202 with Location while running, 200 once terminal', async () => {
    start('orch', 'st', { fleet: 'north' });
    const pending = call('GET', 'instances/st');
    expect(pending.status).toBe(202);
    expect(pending.headers).toMatchObject({ Location: `${baseUrl}/runtime/webhooks/durabletask/instances/st?${common}`, 'Retry-After': '1' });
    expect(pending.body).toMatchObject({ name: 'orch', instanceId: 'st', runtimeStatus: 'Pending', input: { fleet: 'north' }, output: null, customStatus: null });

    await untilSettled('st');
    const failed = call('GET', 'instances/st');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ runtimeStatus: 'Failed' });
    expect((failed.body as { output: string }).output).toMatch(/^Orchestrator function 'orch' failed: /);
  });

  it('showInput=false hides the input; showHistory=true adds the history', async () => {
    start('orch', 'h', { secret: 1 });
    await untilSettled('h');
    expect(call('GET', 'instances/h?showInput=false').body).toMatchObject({ input: null });
    const withHistory = call('GET', 'instances/h?showHistory=true').body as { historyEvents: { EventType: string }[] };
    expect(withHistory.historyEvents.map((e) => e.EventType)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'ExecutionCompleted', 'OrchestratorCompleted']);
  });
});

describe('POST instances/{id}/{op}', () => {
  it('raiseEvent on an unknown instance → 404', () => {
    const res = call('POST', 'instances/nope/raiseEvent/Approval', { body: true });
    expect(res.status).toBe(404);
    expect(engine.store.messages('nope')).toEqual([]);
  });

  it('raiseEvent on a running instance → 202 and queues the event', () => {
    start('orch', 'r');
    expect(call('POST', 'instances/r/raiseEvent/Approval', { body: { by: 'alice' } }).status).toBe(202);
    const raised = engine.store.messages('r').find((m) => m.event.Name === 'Approval');
    expect(raised?.event.Input).toBe('{"by":"alice"}');
  });

  it('raiseEvent on a finished instance → 410', async () => {
    start('orch', 'f');
    await untilSettled('f');
    expect(call('POST', 'instances/f/raiseEvent/Approval').status).toBe(410);
  });
});

describe('GET instances/ (list)', () => {
  async function threeInstances(): Promise<void> {
    start('orch', 'done-1');
    await untilSettled('done-1');
    start('orch', 'new-1');
    start('orch', 'new-2');
  }

  it.each<[string, string[]]>([
    ['', ['done-1', 'new-1', 'new-2']],
    ['runtimeStatus=Failed', ['done-1']],
    ['runtimeStatus=Pending', ['new-1', 'new-2']],
    ['runtimeStatus=Pending,Failed', ['done-1', 'new-1', 'new-2']],
    ['runtimeStatus=Completed', []],
    ['instanceIdPrefix=new-', ['new-1', 'new-2']],
  ])('filter %j', async (query, expected) => {
    await threeInstances();
    const res = call('GET', `instances/?${query}`);
    expect(res.status).toBe(200);
    expect(ids(res).sort()).toEqual(expected);
  });

  it('an invalid runtimeStatus → 400 naming it', async () => {
    await threeInstances();
    const res = call('GET', 'instances/?runtimeStatus=Pending,Bogus');
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain("'Bogus'");
  });

  it('pages with top and x-ms-continuation-token', async () => {
    await threeInstances();
    const first = call('GET', 'instances/?top=2');
    expect(first.body).toHaveLength(2);
    const token = first.headers?.['x-ms-continuation-token'];
    expect(token).toBeDefined();
    const second = call('GET', 'instances/?top=2', { headers: { 'x-ms-continuation-token': token! } });
    expect(second.body).toHaveLength(1);
    expect(second.headers?.['x-ms-continuation-token']).toBeUndefined();
    expect([...ids(first), ...ids(second)].sort()).toEqual(['done-1', 'new-1', 'new-2']);
  });

  it('a page that holds everything has no continuation token', async () => {
    await threeInstances();
    const res = call('GET', 'instances/?top=3');
    expect(res.body).toHaveLength(3);
    expect(res.headers?.['x-ms-continuation-token']).toBeUndefined();
  });
});

describe('DELETE instances/{id} (purge)', () => {
  it('a running instance → 404 and nothing is deleted', () => {
    start('orch', 'busy', 1);
    const res = call('DELETE', 'instances/busy');
    expect(res.status).toBe(404);
    expect(engine.store.instances.get('busy')).toMatchObject({ status: 'Pending', input: '1' });
    expect(engine.store.messages('busy')).toHaveLength(1);
  });

  it('an unknown instance → 404', () => {
    expect(call('DELETE', 'instances/nope').status).toBe(404);
  });

  it('a finished instance → 200 {instancesDeleted: 1}, then it is gone', async () => {
    start('orch', 'old');
    await untilSettled('old');
    const res = call('DELETE', 'instances/old');
    expect(res).toMatchObject({ status: 200, body: { instancesDeleted: 1 } });
    expect(engine.store.instances.has('old')).toBe(false);
    expect(engine.store.history('old')).toEqual([]);
    expect(call('GET', 'instances/old').status).toBe(404);
  });

  it('purge by filter deletes only finished instances', async () => {
    start('orch', 'old');
    await untilSettled('old');
    start('orch', 'busy');
    const res = call('DELETE', 'instances/?runtimeStatus=Failed,Pending');
    expect(res).toMatchObject({ status: 200, body: { instancesDeleted: 1 } });
    expect([...engine.store.instances.keys()]).toEqual(['busy']);
  });
});

describe('entities/{name}/{key}', () => {
  it('signal → 202 and queues the operation for @lowercasename@key', () => {
    expect(call('POST', 'entities/Counter/north?op=add', { rawBody: '5' }).status).toBe(202);
    expect(engine.store.messages('@counter@north').map((m) => [m.event.Name, m.event.Input, m.event.Signal])).toEqual([['add', '5', true]]);
  });

  it.each<[string, string, number]>([
    ['signal without op', 'POST entities/Counter/north', 400],
    ['unknown entity function', 'POST entities/nope/north?op=add', 404],
    ['an orchestrator is not an entity', 'GET entities/orch/north', 404],
    ['read an entity without state', 'GET entities/Counter/north', 404],
    ['other methods', 'DELETE entities/Counter/north', 405],
  ])('%s → %d', (_case, request, status) => {
    const [method, path] = request.split(' ');
    expect(call(method!, path!).status).toBe(status);
    expect(engine.store.inbox.size).toBe(0);
  });

  it('read returns the stored state', () => {
    engine.store.commit({ entities: [{ entityId: '@counter@north', name: 'counter', key: 'north', exists: true, state: '{"n":3}', lastModifiedTime: new Date(0).toISOString() }] });
    expect(call('GET', 'entities/Counter/north')).toMatchObject({ status: 200, body: { n: 3 } });
  });
});

describe('GET entities[/{name}] (list)', () => {
  const at = (s: number) => new Date(s * 1000).toISOString();
  beforeEach(() => {
    engine.store.commit({
      entities: [
        { entityId: '@counter@b', name: 'counter', key: 'b', exists: true, state: '{"n":2}', lastModifiedTime: at(2) },
        { entityId: '@counter@a', name: 'counter', key: 'a', exists: true, state: '{"n":1}', lastModifiedTime: at(1) },
        { entityId: '@counter@gone', name: 'counter', key: 'gone', exists: false, state: null, lastModifiedTime: at(3) },
        { entityId: '@other@x', name: 'other', key: 'x', exists: true, state: '7', lastModifiedTime: at(4) },
      ],
    });
  });

  it('lists the entities of a name that have state, without state unless fetchState=true', () => {
    expect(call('GET', 'entities/Counter')).toEqual({
      status: 200,
      headers: {},
      body: [
        { entityId: { name: 'counter', key: 'a' }, lastOperationTime: at(1) },
        { entityId: { name: 'counter', key: 'b' }, lastOperationTime: at(2) },
      ],
    });
    expect(call('GET', 'entities/counter?fetchState=true').body).toEqual([
      { entityId: { name: 'counter', key: 'a' }, lastOperationTime: at(1), state: { n: 1 } },
      { entityId: { name: 'counter', key: 'b' }, lastOperationTime: at(2), state: { n: 2 } },
    ]);
  });

  it('lists every entity without a name, filters by last operation time, and an unknown name has none', () => {
    expect((call('GET', 'entities').body as { entityId: { key: string } }[]).map((e) => e.entityId.key)).toEqual(['a', 'b', 'x']);
    expect((call('GET', `entities?lastOperationTimeFrom=${at(2)}&lastOperationTimeTo=${at(3)}`).body as unknown[]).length).toBe(1);
    expect(call('GET', 'entities/nobody')).toMatchObject({ status: 200, body: [] });
  });

  it('pages with top and x-ms-continuation-token', () => {
    const first = call('GET', 'entities/counter?top=1');
    expect(first.body).toEqual([{ entityId: { name: 'counter', key: 'a' }, lastOperationTime: at(1) }]);
    const token = first.headers!['x-ms-continuation-token']!;
    const second = call('GET', 'entities/counter?top=1', { headers: { 'x-ms-continuation-token': token } });
    expect(second.body).toEqual([{ entityId: { name: 'counter', key: 'b' }, lastOperationTime: at(2) }]);
    expect(second.headers).toEqual({});
  });
});

it('an unknown path → 404', () => {
  expect(call('GET', 'nothing/here').status).toBe(404);
  expect(call('PUT', 'instances/x').status).toBe(404);
});
