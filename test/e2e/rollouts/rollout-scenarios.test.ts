/**
 * Rollout scenarios through the HTTP API on the local stack (Azurite, Cosmos stand-in, devhost with time-skipping,
 * simulated fleet): soaks of hours run in seconds because idle time jumps to the next durable timer.
 */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from './fixtures';

const deviceIds = [...Array.from({ length: 120 }, (_, i) => `a-${i}`), ...Array.from({ length: 80 }, (_, i) => `b-${i}`)];

async function versions(stack: LocalStack): Promise<Map<string, any>> {
  const devices = await Promise.all(deviceIds.map(async (id) => (await stack.api('GET', `devices/${id}`)).body));
  return new Map(devices.map((d) => [d.deviceId, d]));
}

describe('a fleet where every install succeeds', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: true });
    await registerUpdate(stack);
  });
  afterAll(async () => { await stack?.stop(); });

  it('completes canary and every wave, and every device runs the new version', async () => {
    const created = await stack.api('POST', 'rollouts', rolloutBody());
    expect(created.status).toBe(201);
    const done = await waitForRollout(stack, created.body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled']);
    expect(done.status).toBe('Completed');
    expect(done.counts).toMatchObject({ targeted: 200, succeeded: 200, failed: 0, pending: 0 });
    expect(done.waves.map((w: any) => w.status)).toEqual(['Promoted', 'Promoted', 'Promoted', 'Promoted']);
    expect(done.waves[0]).toMatchObject({ kind: 'canary', deviceCount: 10 });
    const fleet = await versions(stack);
    expect([...fleet.values()].every((d) => d.installedVersion === '2.0.0')).toBe(true);
    const durable = await (await fetch(`${stack.url}/runtime/webhooks/durabletask/instances/${created.body.id}`)).json() as any;
    expect(durable.customStatus).toMatchObject({ phase: 'Completed', wave: 3 });
    const lastWave = await (await fetch(`${stack.url}/runtime/webhooks/durabletask/instances/${created.body.id}:wave:3`)).json() as any;
    expect(lastWave.customStatus).toMatchObject({ phase: 'Soaking', wave: 3, counts: expect.objectContaining({ succeeded: lastWave.customStatus.counts.succeeded }) });
  });

  it('refuses bad requests with 4xx naming the field', async () => {
    const cases: [unknown, number, string][] = [
      [rolloutBody({ canarySoak: 'half an hour' }), 400, 'canarySoak'],
      [rolloutBody({ waves: [{ percent: 50, soak: 'PT1H' }, { percent: 40, soak: 'PT1H' }] }), 400, 'waves'],
      [rolloutBody({ target: { query: "tags.site = 'plant-a' AND" } }), 400, 'target.query'],
      [rolloutBody({ updateId: { provider: 'contoso', name: 'line-controller', version: '9.9.9' } }), 422, 'updateId'],
      [rolloutBody({ target: { deviceIds: ['a-1', 'nope-1'] } }), 422, 'target.deviceIds'],
      [{ ...rolloutBody(), updateId: undefined }, 400, 'updateId'],
    ];
    for (const [body, status, field] of cases) {
      const res = await stack.api('POST', 'rollouts', body);
      expect({ status: res.status, fields: res.body.errors?.map((e: any) => e.field) }).toEqual({ status, fields: expect.arrayContaining([expect.stringContaining(field)]) });
    }
    expect((await stack.api('POST', 'rollouts', rolloutBody(), '')).status).toBe(401);
    expect((await stack.api('GET', 'rollouts?status=Sideways')).status).toBe(400);
    expect((await stack.api('GET', 'rollouts/ro-does-not-exist')).status).toBe(404);
  });
});

describe('a model that fails to install', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    const failingCtlB = [{ when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1 }];
    stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet(failingCtlB)), timeSkip: true });
    await registerUpdate(stack);
  });
  afterAll(async () => { await stack?.stop(); });

  it('rolls back in the canary: every device back on 1.0.0 and no device outside the canary touched', async () => {
    const created = await stack.api('POST', 'rollouts', rolloutBody());
    const done = await waitForRollout(stack, created.body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled']);
    expect(done.status).toBe('RolledBack');
    expect(done.reason).toMatch(/canary/);
    expect(done.waves[0].status).toBe('RolledBack');
    expect(done.waves.slice(1).every((w: any) => w.status === 'NotStarted')).toBe(true);
    const fleet = await versions(stack);
    expect([...fleet.values()].every((d) => d.installedVersion === '1.0.0')).toBe(true);
    const touched = [...fleet.values()].filter((d) => d.desiredVersion !== undefined);
    expect(touched).toHaveLength(10);
  });
});
