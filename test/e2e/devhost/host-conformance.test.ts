/**
 * Host behaviours that depend on the app rather than on one trigger: an app built on an old @azure/functions
 * (4.3.0, installed as the npm alias azure-functions-4-3), `%SETTING%` references in host.json, and functions whose
 * bindings the devhost does not implement.
 */
import path from 'node:path';
import { json, repoRoot, startDevhost, type DevhostProcess } from '../../support/devhost-process';

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures', name);

describe('an app on @azure/functions 4.3.0 whose host.json names settings', () => {
  let host: DevhostProcess;
  beforeAll(async () => { host = await startDevhost([], {}, fixture('legacy-lib-app')); });
  afterAll(async () => { await host?.stop(); });

  it('resolves %ROUTE_PREFIX% from local.settings.json, and GET and HEAD reach the function with no body (200, not 500)', async () => {
    expect(await json(`${host.url}/legacy/bodyProbe`)).toMatchObject({ status: 200, body: { method: 'GET', hasBody: false, text: '' } });
    const head = await fetch(`${host.url}/legacy/bodyProbe`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-has-body')).toBe('false');
    expect((await json(`${host.url}/legacy/bodyProbe`, { method: 'POST', body: 'hi' })).body).toEqual({ method: 'POST', hasBody: true, text: 'hi' });
  });

  it('answers the status of an unknown instance with an empty 404, as Azure does', async () => {
    const res = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/none`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });

  it('takes a setting host.json names from the environment over local.settings.json', async () => {
    const other = await startDevhost([], { ROUTE_PREFIX: 'from-env' }, fixture('legacy-lib-app'));
    try {
      expect((await json(`${other.url}/from-env/bodyProbe`)).status).toBe(200);
      expect((await json(`${other.url}/legacy/bodyProbe`)).status).toBe(404);
    } finally {
      await other.stop();
    }
  });
});

describe('a function with a binding the devhost does not implement', () => {
  let host: DevhostProcess;
  beforeAll(async () => { host = await startDevhost([], {}, fixture('unsupported-binding-app')); });
  afterAll(async () => { await host?.stop(); });

  it('is not loaded, with an indexing error naming the function and the binding type in the status and the log', async () => {
    const { status, body } = await json(`${host.url}/admin/host/status`);
    expect(status).toBe(200);
    expect(body.functions).toBe(1);
    expect(body.errors).toEqual([expect.stringMatching(/^Error indexing function 'archive': the binding type 'queue' \(direction 'out'\) is not supported/)]);
    expect(host.output()).toMatch(/error: Error indexing function 'archive': the binding type 'queue'.*The function 'archive' is disabled\./);
    expect((await json(`${host.url}/api/archive`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect(await (await fetch(`${host.url}/api/ping`)).text()).toBe('pong');
  });
});
