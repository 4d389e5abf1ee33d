/** Durable Functions on the devhost, driven through HTTP as a user would (the app's own client endpoints). */
import { eventually, json, post, startDevhost, waitForStatus, type DevhostProcess } from '../../support/devhost-process';

let host: DevhostProcess;
beforeAll(async () => { host = await startDevhost(); });
afterAll(async () => { await host?.stop(); });

const start = async (name: string, input?: unknown, instanceId?: string) => {
  const { status, body } = await post(`${host.url}/api/start/${name}${instanceId ? `/${instanceId}` : ''}`, input);
  expect(status).toBe(202);
  return body as { id: string; statusQueryGetUri: string; sendEventPostUri: string; terminatePostUri: string };
};
const run = async (name: string, input?: unknown) => (await post(`${host.url}/api/run/${name}`, input)).body;
const advance = (by: string) => post(`${host.url}/admin/host/clock/advance`, { by });
const status = async (id: string) => (await json(`${host.url}/api/instances/${id}`)).body;

describe('activities, fan-out and sub-orchestrations', () => {
  it('chains activities (waitForCompletionOrCreateCheckStatusResponse returns the output)', async () => {
    expect(await run('chain', 'Ada')).toBe('Hello Hello Hello Ada');
  });

  it('fans out and in with Task.all', async () => {
    expect(await run('fanOut', 200)).toBe(2 * (199 * 200) / 2);
  });

  it('runs sub-orchestrations, with given ids and with retries', async () => {
    const { id } = await start('parent');
    const done = await waitForStatus(host.url, id);
    expect(done.output).toEqual(['Hello Hello Hello A', 'Hello Hello Hello B', 2]);
    expect((await status(`${id}-child-b`)).runtimeStatus).toBe('Completed');
  });

  it('serves the links of createCheckStatusResponse', async () => {
    const { statusQueryGetUri, id } = await start('chain', 'x');
    const done = await waitForStatus(host.url, id);
    const viaLink = await json(statusQueryGetUri);
    expect(viaLink.status).toBe(200);
    expect(viaLink.body.output).toBe(done.output);
  });
});

describe('retries', () => {
  it('retries a failing activity until it succeeds', async () => {
    expect(await run('retrying', { key: 'ok-after-2', failTimes: 2, maxAttempts: 5 })).toBe(3);
  });

  it('gives up after maxNumberOfAttempts and throws the last error into the orchestrator', async () => {
    expect(await run('retrying', { key: 'never', failTimes: 99, maxAttempts: 3 })).toBe('gave up: flaky failure 3');
  });
});

describe('external events and durable timers', () => {
  it('an approval event wins the race against the timer, and the timer is cancelled', async () => {
    const { id } = await start('approval', { timeoutHours: 24 });
    await waitForStatus(host.url, id, ['Running']);
    expect((await status(id)).customStatus).toEqual({ phase: 'waiting' });
    expect((await post(`${host.url}/api/instances/${id}/events/Approval`, 'approved-by-ops')).status).toBe(202);
    const done = await waitForStatus(host.url, id);
    expect(done.output.decision).toBe('approved-by-ops');
    expect(done.customStatus).toEqual({ phase: 'approved' });
  });

  it('the timer wins when the clock passes the expiry (time-skipping with the clock endpoint)', async () => {
    const { id } = await start('approval', { timeoutHours: 24 });
    await waitForStatus(host.url, id, ['Running']);
    await advance('PT23H');
    expect((await status(id)).runtimeStatus).toBe('Running');
    await advance('PT2H');
    const done = await waitForStatus(host.url, id);
    expect(done.output.decision).toBe('expired');
  });

  it('an activity with a durable client input raises an event on another instance', async () => {
    const { id } = await start('waitForever', {});
    await waitForStatus(host.url, id, ['Running']);
    expect(await run('notifier', { instanceId: id, value: 'from an activity' })).toBe('sent');
    expect((await waitForStatus(host.url, id)).output).toEqual({ value: 'from an activity', slept: 50 });
  });

  it('an event raised before the orchestration waits for it is kept for it', async () => {
    const { id } = await start('waitForever', {});
    await post(`${host.url}/api/instances/${id}/events/Go`, 7);
    expect((await waitForStatus(host.url, id)).output).toEqual({ value: 7, slept: 50 });
  });

  it('a pending task raced again in a new Task.any is the same task (scheduled once)', async () => {
    const { id } = await start('reRace');
    await waitForStatus(host.url, id, ['Running']);
    await post(`${host.url}/api/instances/${id}/events/Ping`, 1);
    await new Promise((r) => setTimeout(r, 50));
    await post(`${host.url}/api/instances/${id}/events/Ping`, 2);
    const done = await waitForStatus(host.url, id);
    expect(done.output).toEqual({ result: 400, pings: 2 });
    const history = (await json(`${host.url}/api/instances/${id}?history=true`)).body.history;
    expect(history.filter((e: { EventType: string }) => e.EventType === 'TaskScheduled')).toHaveLength(1);
  });

  it('continueAsNew restarts with the new input and an empty history', async () => {
    const { id } = await start('counter', { count: 0, until: 3 });
    for (let i = 0; i < 3; i++) {
      await waitForStatus(host.url, id, ['Running']);
      await new Promise((r) => setTimeout(r, 100));
      await advance('PT1H');
    }
    const done = await waitForStatus(host.url, id);
    expect(done.output).toBe(3);
    const history = (await json(`${host.url}/api/instances/${id}?history=true`)).body.history;
    expect(history.filter((e: { EventType: string }) => e.EventType === 'TimerCreated')).toHaveLength(1);
  });
});

describe('management', () => {
  it('terminates a running instance, then refuses events with 410', async () => {
    const { id, terminatePostUri } = await start('waitForever', {});
    await waitForStatus(host.url, id, ['Running']);
    expect((await post(terminatePostUri.replace('{text}', 'enough'))).status).toBe(202);
    const done = await waitForStatus(host.url, id, ['Terminated']);
    expect(done.output).toBe('enough');
    expect((await post(`${host.url}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/Go`, 1)).status).toBe(410);
  });

  it('suspends (events wait) and resumes (events are delivered)', async () => {
    const { id } = await start('waitForever', {});
    await waitForStatus(host.url, id, ['Running']);
    await post(`${host.url}/api/instances/${id}/suspend`);
    await waitForStatus(host.url, id, ['Suspended']);
    await post(`${host.url}/api/instances/${id}/events/Go`, 'later');
    await new Promise((r) => setTimeout(r, 200));
    expect((await status(id)).runtimeStatus).toBe('Suspended');
    await post(`${host.url}/api/instances/${id}/resume`);
    expect((await waitForStatus(host.url, id)).output).toEqual({ value: 'later', slept: 50 });
  });

  it('lists instances by status and purges a finished one', async () => {
    const { id } = await start('chain', 'p', `purge-me-${Date.now()}`);
    await waitForStatus(host.url, id);
    const completed = (await json(`${host.url}/api/instances?status=Completed`)).body as { instanceId: string; runtimeStatus: string }[];
    expect(completed.map((i) => i.instanceId)).toContain(id);
    expect(completed.every((i) => i.runtimeStatus === 'Completed')).toBe(true);
    expect((await json(`${host.url}/api/instances/${id}`, { method: 'DELETE' })).body).toEqual({ instancesDeleted: 1 });
    expect((await json(`${host.url}/runtime/webhooks/durabletask/instances/${id}`)).status).toBe(404);
  });

  it('refuses a second start with the id of a running instance (409) and an unknown orchestrator (400)', async () => {
    const id = `dup-${Date.now()}`;
    await start('waitForever', {}, id);
    expect((await post(`${host.url}/durabletask/orchestrators/waitForever/${id}`, {})).status).toBe(409);
    expect((await post(`${host.url}/durabletask/orchestrators/noSuchOrchestrator`, {})).status).toBe(400);
  });
});

describe('problems are reported, never silent', () => {
  it('fails a non-deterministic orchestration with a message naming both actions', async () => {
    const { id } = await start('nondeterministic');
    const done = await waitForStatus(host.url, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toMatch(/Non-deterministic.*TaskScheduled 'sayHello'.*CallActivity 'double'/);
  });

  it('flags an orchestration that waits on nothing in its status and the log', async () => {
    const { id } = await start('stuck');
    const flagged = await waitForStatus(host.url, id, ['Running']);
    const raw = (await json(`${host.url}/runtime/webhooks/durabletask/instances/${id}`)).body;
    expect(flagged.runtimeStatus).toBe('Running');
    expect(raw.hostWarning).toMatch(/waiting on nothing/);
    expect(host.output()).toMatch(new RegExp(`${id}: The orchestration is waiting on nothing`));
  });

  it('fails an orchestrator that throws, with its message as output', async () => {
    const { id } = await start('failing');
    const done = await waitForStatus(host.url, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toBe("Orchestrator function 'failing' failed: orchestrator gave up");
    const as500 = await json(`${host.url}/runtime/webhooks/durabletask/instances/${id}?returnInternalServerErrorOnFailure=true`);
    expect(as500.status).toBe(500);
    expect(as500.body).toMatchObject({ instanceId: id, runtimeStatus: 'Failed', output: done.output });
  });
});

describe('durable entities', () => {
  it('orchestrations signal and call an entity, and an operation that throws reaches the caller as an error', async () => {
    expect(await run('useCounter', 'orders')).toEqual({ value: 15, failure: 'caught' });
    expect((await json(`${host.url}/api/entities/Accumulator/orders`)).body).toEqual({ entityExists: true, entityState: 15 });
  });

  it('clients signal an entity and read its state; an entity never touched has none', async () => {
    expect((await post(`${host.url}/api/entities/Accumulator/client-side/add`, 7)).status).toBe(202);
    const state = await eventually(async () => {
      const { body } = await json(`${host.url}/api/entities/Accumulator/client-side`);
      return body.entityExists ? body : undefined;
    });
    expect(state.entityState).toBe(7);
    expect((await json(`${host.url}/api/entities/Accumulator/never-touched`)).body).toEqual({ entityExists: false });
  });

  it('lists the entities of a name, with their state on request, under both durable API bases', async () => {
    const key = `listed-${Date.now()}`;
    expect((await post(`${host.url}/api/entities/Accumulator/${key}/add`, 3)).status).toBe(202);
    const listed = await eventually(async () => {
      const { status, body } = await json(`${host.url}/runtime/webhooks/durabletask/entities/Accumulator?fetchState=true`);
      expect(status).toBe(200);
      return (body as { entityId: { key: string }; lastOperationTime: string }[]).find((e) => e.entityId.key === key);
    });
    expect(listed).toEqual({ entityId: { name: 'accumulator', key }, lastOperationTime: expect.any(String), state: 3 });
    const plain = (await json(`${host.url}/durabletask/entities/Accumulator`)).body as { entityId: { key: string }; state?: unknown }[];
    expect(plain.find((e) => e.entityId.key === key)).toEqual({ entityId: { name: 'accumulator', key }, lastOperationTime: listed.lastOperationTime });
  });
});

describe('restart', () => {
  it('restarts a finished instance with its input, under a new id by default and under the same id on request', async () => {
    const { id } = await start('chain', 'again', `restart-${Date.now()}`);
    await waitForStatus(host.url, id);
    const fresh = await post(`${host.url}/runtime/webhooks/durabletask/instances/${id}/restart`);
    expect(fresh.status).toBe(202);
    expect(fresh.body.id).not.toBe(id);
    expect((await waitForStatus(host.url, fresh.body.id)).output).toBe('Hello Hello Hello again');
    const same = await post(`${host.url}/runtime/webhooks/durabletask/instances/${id}/restart?restartWithNewInstanceId=false`);
    expect(same.body.id).toBe(id);
    expect((await waitForStatus(host.url, id)).output).toBe('Hello Hello Hello again');
  });
});
