/**
 * An app on durable-functions 3.1.0 (test/fixtures/durable-3-1-app, through the npm alias durable-functions-3-1),
 * driven as its quickstart says: a GET on the HTTP starter, then the links createCheckStatusResponse hands out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eventually, json, post, repoRoot, startDevhost, type DevhostProcess } from '../../support/devhost-process';

const app = path.join(repoRoot, 'test/fixtures/durable-3-1-app');

interface CheckStatus { id: string; statusQueryGetUri: string }

async function finished(links: CheckStatus): Promise<any> {
  return eventually(async () => {
    const { status, body } = await json(links.statusQueryGetUri);
    return status === 200 ? body : undefined;
  }, 15000, `${links.id} to finish`);
}

describe('an app on durable-functions 3.1.0', () => {
  let host: DevhostProcess;
  beforeAll(async () => { host = await startDevhost([], {}, app); });
  afterAll(async () => { await host?.stop(); });

  it('is the 3.1.0 library the fixture loads', () => {
    const manifest = JSON.parse(fs.readFileSync(require.resolve('durable-functions-3-1/package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe('3.1.0');
  });

  it('starts the function chain with a GET on the df.app.client.http starter and completes it', async () => {
    const res = await json(`${host.url}/api/orchestrators/helloSequence`);
    expect(res.status).toBe(202);
    const links = res.body as CheckStatus;
    expect(res.headers.get('location')).toBe(links.statusQueryGetUri);
    expect(links.statusQueryGetUri).toContain('taskHub=Durable31Hub');
    const done = await finished(links);
    expect(done).toMatchObject({ name: 'helloSequence', runtimeStatus: 'Completed', output: ['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, Cairo!'] });
    expect(host.output()).toContain(`Started orchestration with ID = '${links.id}'.`);
  });

  it('signals and calls an entity from an orchestration, waits on a durable timer, and reads the entity back', async () => {
    const { status, body } = await post(`${host.url}/api/orchestrators/countAndWait`, 'k1');
    expect(status).toBe(202);
    const links = body as CheckStatus;
    await eventually(async () => {
      const state = (await json(`${host.url}/api/counters/k1`)).body;
      return state?.entityExists && state.entityState === 5 ? state : undefined;
    }, 10000, 'the counter to reach 5');
    expect((await json(links.statusQueryGetUri)).body.runtimeStatus).toBe('Running');
    expect((await post(`${host.url}/admin/host/clock/advance`, { by: 'PT1H' })).status).toBe(200);
    expect(await finished(links)).toMatchObject({ runtimeStatus: 'Completed', output: 5 });
  });

  it("takes an entity signal from a client, and lists the app's entities through the durable HTTP API", async () => {
    expect((await json(`${host.url}/api/counters/k2`, { method: 'POST', body: '4' })).status).toBe(202);
    await eventually(async () => ((await json(`${host.url}/api/counters/k2`)).body?.entityState === 4 ? true : undefined), 10000, 'k2 to reach 4');
    const { status, body } = await json(`${host.url}/runtime/webhooks/durabletask/entities/counter`);
    expect(status).toBe(200);
    expect((body as { entityId: { key: string } }[]).map((e) => e.entityId.key)).toContain('k2');
  });

  it('reads an entity nobody signalled as not existing', async () => {
    expect((await json(`${host.url}/api/counters/never`)).body).toMatchObject({ entityExists: false });
  });
});
