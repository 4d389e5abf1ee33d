/**
 * Governance through the API: the role matrix on every endpoint, a tamper-evident audit trail (an entry edited in
 * Cosmos is caught at that entry), and lifecycle CloudEvents in the local event log.
 */
import { CosmosClient } from '@azure/cosmos';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from '../rollouts/fixtures';
import { permissions, roles } from '../../../domain/access/roles';
import { concretePaths, routes } from '../../../functions/http/routes';
import { openApiPath } from '../../../functions/http/openapi';

let stack: LocalStack;
let rolloutId: string;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: true });
  await registerUpdate(stack);
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ waves: [{ percent: 100, soak: 'PT1H' }] }));
  rolloutId = body.id;
  await waitForRollout(stack, rolloutId, ['Completed', 'RolledBack', 'Failed']);
});
afterAll(async () => { await stack?.stop(); });

/**
 * Every route of the route table, as the local stack serves it: a permission route answers 401 without a principal
 * and 403 exactly to the roles the matrix does not grant; a public or signed-link route asks for no sign-in. The
 * route list comes from the table, so a new route is checked the day it is added; path parameters get placeholder
 * values (the request only has to get past authorization).
 */
const placeholders = (path: string) => path.replace(/\{(\w+)\}/g, (_all, name: string) => `${name}-x`);
const endpoints = routes.flatMap((route) => concretePaths(route.path).map((path) => [route.method, placeholders(path), route.access, route.name] as const));

describe('the role matrix', () => {
  it('covers every route of the route table', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(routes.length);
  });

  it('serves an OpenAPI document with exactly the routes checked below', async () => {
    const { status, body } = await stack.api('GET', 'openapi.json', undefined, '');
    expect(status).toBe(200);
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    expect(documented).toEqual(routes.map((r) => `${r.method} ${openApiPath(r)}`).sort());
  });

  it.each(endpoints)('%s /api/%s (%s): who gets in', async (method, path, access, name) => {
    const body = method === 'GET' ? undefined : {};
    const anonymous = (await stack.api(method, path, body, '')).status;
    if (name === 'me') {
      // Open to anyone, and it tells a caller without a principal that nobody is signed in; every role is someone.
      expect(anonymous).toBe(401);
      for (const role of roles) expect((await stack.api(method, path, body, 'someone@contoso.com', [role])).status).toBe(200);
      return;
    }
    if (access === 'anyone' || access === 'signed-link') {
      // Served (not 404) and open to a caller without a principal.
      expect([401, 403, 404]).not.toContain(anonymous);
      return;
    }
    expect(anonymous).toBe(401);
    for (const role of roles) {
      const { status } = await stack.api(method, path, body, 'someone@contoso.com', [role]);
      expect({ role, forbidden: status === 403 }).toEqual({ role, forbidden: !permissions[access].includes(role) });
      expect(status).not.toBe(401);
    }
  });
});

describe('the audit trail', () => {
  it('records the rollout from creation to completion, and the chain verifies', async () => {
    const entries = (await stack.api('GET', `audit?subject=${encodeURIComponent(`rollouts/${rolloutId}`)}`)).body.items;
    const actions = entries.map((e: any) => e.action);
    expect(actions[0]).toBe('rollout.created');
    expect(actions).toEqual(expect.arrayContaining(['wave.started', 'wave.promoted', 'rollout.completed']));
    expect(entries[0]).toMatchObject({ actor: 'ops@contoso.com', subject: `rollouts/${rolloutId}` });
    expect((await stack.api('GET', 'audit/verify')).body).toMatchObject({ valid: true });
  });

  it('pages: a full page links to the next, which starts after it; a forged token is refused', async () => {
    const subject = encodeURIComponent(`rollouts/${rolloutId}`);
    const all = (await stack.api('GET', `audit?subject=${subject}`)).body.items as { sequence: number }[];
    const first = await stack.api('GET', `audit?subject=${subject}&limit=2`);
    expect(first.body.items.map((e: any) => e.sequence)).toEqual(all.slice(0, 2).map((e) => e.sequence));
    const second = await stack.api('GET', `audit?subject=${subject}&limit=2&continuationToken=${first.body.continuationToken}`);
    expect(second.body.items.map((e: any) => e.sequence)).toEqual(all.slice(2, 4).map((e) => e.sequence));
    const forged = await stack.api('GET', `audit?continuationToken=abc`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('continuationToken');
  });

  it('names the first broken link when a stored entry is edited in Cosmos', async () => {
    const [, endpoint, database] = /Cosmos DB \(stand-in\): (\S+) database (\S+)/.exec(stack.output())!;
    const client = new CosmosClient({ endpoint: endpoint!, key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==', connectionPolicy: { enableEndpointDiscovery: false } });
    const audit = client.database(database!).container('audit');
    const { resources } = await audit.items.query({ query: 'SELECT * FROM c WHERE c.sequence = 2' }).fetchAll();
    const entry = resources[0];
    expect(entry).toBeDefined();
    await audit.items.upsert({ ...entry, actor: 'mallory@contoso.com' });
    const verdict = (await stack.api('GET', 'audit/verify')).body;
    expect(verdict).toMatchObject({ valid: false, firstBroken: { sequence: 2 } });
    client.dispose();
  });
});

describe('enterprise events', () => {
  it('publishes every lifecycle step as a CloudEvent (locally to the event log)', async () => {
    const events = (await stack.api('GET', `local/events?subject=${encodeURIComponent(`rollouts/${rolloutId}`)}`)).body;
    expect(events[0]).toMatchObject({ specversion: '1.0', type: 'Contoso.Ota.RolloutCreated', source: '/ota-update-service' });
    expect(events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['Contoso.Ota.WaveStatusChanged', 'Contoso.Ota.RolloutStatusChanged']));
    expect(new Set(events.map((e: any) => e.id)).size).toBe(events.length);
  });
});
