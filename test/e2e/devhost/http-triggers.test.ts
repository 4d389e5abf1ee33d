/** The devhost serves a v4 app's HTTP triggers as the Functions host does. */
import { json, post, startDevhost, type DevhostProcess } from '../../support/devhost-process';

let host: DevhostProcess;
beforeAll(async () => { host = await startDevhost(); });
afterAll(async () => { await host?.stop(); });

describe('given the conformance app on the devhost', () => {
  it('reports Running on /admin/host/status once every function is registered', async () => {
    const { status, body } = await json(`${host.url}/admin/host/status`);
    expect(status).toBe(200);
    expect(body.state).toBe('Running');
    expect(body.functions).toBeGreaterThan(20);
  });

  it('routes templates with optional parameters, query strings and app settings from local.settings.json', async () => {
    expect((await json(`${host.url}/api/hello/Ada?lang=en`)).body).toEqual({ greeting: 'Hello, Ada', lang: 'en' });
    expect((await json(`${host.url}/api/hello`)).body).toEqual({ greeting: 'Hello, world', lang: null });
  });

  it('applies route constraints and prefers literal segments', async () => {
    expect((await json(`${host.url}/api/items/42`)).body).toEqual({ id: 42, method: 'GET' });
    expect((await json(`${host.url}/api/items/special`)).body).toEqual({ special: true });
    expect((await json(`${host.url}/api/items/abc`)).status).toBe(404);
  });

  it('answers 405 for a method the function does not accept', async () => {
    expect((await json(`${host.url}/api/items/42`, { method: 'PATCH' })).status).toBe(405);
    expect((await json(`${host.url}/api/items/42`, { method: 'DELETE' })).body).toEqual({ id: 42, method: 'DELETE' });
  });

  it('passes headers and body in, and status, headers, cookies and body out', async () => {
    const res = await fetch(`${host.url}/api/echo`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'yes' }, body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo-header')).toBe('yes');
    expect(res.headers.get('set-cookie')).toBe('session=abc; HttpOnly');
    expect(await res.json()).toEqual({ body: { a: 1 }, contentType: 'application/json' });
  });

  it('passes GET and HEAD without content with no body, and a POST body as it came', async () => {
    expect((await json(`${host.url}/api/bodyProbe`)).body).toEqual({ method: 'GET', hasBody: false, text: '' });
    const head = await fetch(`${host.url}/api/bodyProbe`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-has-body')).toBe('false');
    expect((await json(`${host.url}/api/bodyProbe`, { method: 'POST', body: 'hi' })).body).toEqual({ method: 'POST', hasBody: true, text: 'hi' });
  });

  it('answers 500 when the function throws, and keeps serving', async () => {
    expect((await json(`${host.url}/api/boom`)).status).toBe(500);
    expect((await json(`${host.url}/api/hello/x`)).status).toBe(200);
  });

  it('runs the app hooks: appStart once, pre- and postInvocation around every invocation', async () => {
    const before = (await json(`${host.url}/api/hooks`)).body;
    await json(`${host.url}/api/hello/x`);
    const after = (await json(`${host.url}/api/hooks`)).body;
    expect(after.appStart).toBe(1);
    expect(after.preInvocation - before.preInvocation).toBe(2);
    expect(after.postInvocation - before.postInvocation).toBe(2);
  });

  it('answers 404 with problem+json for paths no function serves', async () => {
    const res = await fetch(`${host.url}/api/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 400 naming the problem for a bad clock request', async () => {
    const { status, body } = await post(`${host.url}/admin/host/clock/advance`, { by: 'one hour' });
    expect(status).toBe(400);
    expect(body.detail).toMatch(/one hour/);
  });
});
