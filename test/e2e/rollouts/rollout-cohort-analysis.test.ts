/**
 * Cohort analysis end to end: virtual devices whose new version is 30 % slower, yet every install succeeds and no
 * device calls itself unhealthy. The canary is rolled back on the analysis, and the report says by how much and how
 * sure; the same rollout of a version that is not slower completes.
 */
import { noRegressionProfilePath, regressionProfilePath } from '../../../local-iothub/virtual-devices/fleet-profile';
import { startLocalStack, waitForRollout, type LocalStack } from '../../support/local-stack';
import { registerUpdate } from './fixtures';

const rollout = {
  updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
  target: { query: "tags.model IN ['ctl-a', 'ctl-b']" },
  canary: { devices: 60 },
  canarySoak: 'PT20M',
  waves: [{ percent: 100, soak: 'PT20M' }],
  healthCheckInterval: 'PT5M',
  deviceTimeout: 'PT10M',
  analysis: { metrics: [{ name: 'cycleTimeMs', direction: 'lower-is-better', maxRegressionPercent: 10 }] },
};

async function runOn(profile: string): Promise<{ stack: LocalStack; done: any }> {
  const stack = await startLocalStack({ fleet: profile, timeScale: 60 });
  await registerUpdate(stack);
  const created = await stack.api('POST', 'rollouts', rollout);
  expect(created.status).toBe(201);
  const done = await waitForRollout(stack, created.body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled', 'Paused'], 150_000);
  return { stack, done };
}

describe('a version 30 % slower, healthy by every install count', () => {
  let stack: LocalStack | undefined;
  afterAll(async () => { await stack?.stop(); });

  it('is rolled back at the canary, and the report says by how much and how sure', async () => {
    const run = await runOn(regressionProfilePath);
    stack = run.stack;
    expect({ status: run.done.status, reason: run.done.reason }).toEqual({ status: 'RolledBack', reason: expect.stringMatching(/^canary: cohort analysis failed: cycleTimeMs [0-9.]+ % worse/) });
    expect(run.done.waves[0]).toMatchObject({ failed: 0 });
    expect(run.done.waves[1].status).toBe('NotStarted');
    const report = (await stack.api('GET', `reports/rollouts/${run.done.id}`)).body;
    const analysis = report.waves[0].analysis.metrics[0];
    expect(analysis).toMatchObject({ metric: 'cycleTimeMs', verdict: 'fail' });
    expect(analysis.regressionPercent).toBeGreaterThan(20);
    expect(analysis.regressionPercent).toBeLessThan(40);
    expect(analysis.regressionInterval[0]).toBeGreaterThan(10);
    expect(analysis.pValue).toBeLessThan(0.05);
    expect(analysis.updatedCount).toBeGreaterThanOrEqual(50);
  }, 200_000);
});

describe('a version as fast as the one before', () => {
  let stack: LocalStack | undefined;
  afterAll(async () => { await stack?.stop(); });

  it('is not stopped', async () => {
    const run = await runOn(noRegressionProfilePath);
    stack = run.stack;
    expect({ status: run.done.status, reason: run.done.reason }).toEqual({ status: 'Completed', reason: expect.any(String) });
    const report = (await stack.api('GET', `reports/rollouts/${run.done.id}`)).body;
    expect(report.waves[0].analysis).toMatchObject({ verdict: 'pass' });
  }, 200_000);
});
