/**
 * Governance through the API: the role matrix on every endpoint, a tamper-evident audit trail (an entry edited in
 * Cosmos is caught at that entry), and lifecycle CloudEvents in the local event log.
 */
import { CosmosClient } from '@azure/cosmos';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from '../rollouts/fixtures';

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

const roles = ['OTA.Viewer', 'OTA.Operator', 'OTA.Approver', 'OTA.Admin'];
// Every endpoint, the roles the documented matrix grants it to, and a request that gets past authorization.
const endpoints: [string, string, () => unknown, string[]][] = [
  ['GET', 'updates/contoso/line-controller/2.0.0', () => undefined, roles],
  ['GET', 'updates', () => undefined, roles],
  ['POST', 'updates', () => ({}), ['OTA.Operator', 'OTA.Admin']],
  ['GET', 'rollouts', () => undefined, roles],
  ['GET', 'rollouts/ro-x', () => undefined, roles],
  ['POST', 'rollouts', () => ({}), ['OTA.Operator', 'OTA.Admin']],
  ['POST', 'rollouts/ro-x/approvals', () => ({}), ['OTA.Approver', 'OTA.Admin']],
  ['POST', 'rollouts/ro-x/pause', () => undefined, ['OTA.Operator', 'OTA.Admin']],
  ['POST', 'rollouts/ro-x/resume', () => undefined, ['OTA.Operator', 'OTA.Admin']],
  ['POST', 'rollouts/ro-x/cancel', () => undefined, ['OTA.Operator', 'OTA.Admin']],
  ['POST', 'rollouts/ro-x/rollback', () => undefined, ['OTA.Operator', 'OTA.Admin']],
  ['GET', 'devices/a-0', () => undefined, roles],
  ['PUT', 'import-rules/r1', () => ({}), ['OTA.Admin']],
  ['GET', 'import-rules/r1', () => undefined, roles],
  ['GET', 'import-rules', () => undefined, roles],
  ['GET', 'imports/evt-x', () => undefined, roles],
  ['GET', 'imports', () => undefined, roles],
  ['GET', 'signing-keys', () => undefined, roles],
  ['GET', 'audit', () => undefined, roles],
  ['GET', 'audit/verify', () => undefined, roles],
  ['GET', 'inventory', () => undefined, roles],
  ['GET', 'reports/compliance', () => undefined, roles],
  ['GET', 'reports/rollouts/ro-x', () => undefined, roles],
];

describe('the role matrix', () => {
  it.each(endpoints)('%s /api/%s: 401 without a principal, 403 for roles without the permission', async (method, route, body, allowed) => {
    expect((await stack.api(method, route, body(), '')).status).toBe(401);
    for (const role of roles) {
      const { status } = await stack.api(method, route, body(), 'someone@contoso.com', [role]);
      expect({ role, forbidden: status === 403 }).toEqual({ role, forbidden: !allowed.includes(role) });
      expect(status).not.toBe(401);
    }
  });
});

describe('the audit trail', () => {
  it('records the rollout from creation to completion, and the chain verifies', async () => {
    const entries = (await stack.api('GET', `audit?subject=${encodeURIComponent(`rollouts/${rolloutId}`)}`)).body;
    const actions = entries.map((e: any) => e.action);
    expect(actions[0]).toBe('rollout.created');
    expect(actions).toEqual(expect.arrayContaining(['wave.started', 'wave.promoted', 'rollout.completed']));
    expect(entries[0]).toMatchObject({ actor: 'ops@contoso.com', subject: `rollouts/${rolloutId}` });
    expect((await stack.api('GET', 'audit/verify')).body).toMatchObject({ valid: true });
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
