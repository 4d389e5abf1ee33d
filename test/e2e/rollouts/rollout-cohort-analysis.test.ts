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

describe('a canary too small to judge', () => {
  let stack: LocalStack | undefined;
  afterAll(async () => { await stack?.stop(); });

  it('extends its soak up to the limit, then pauses for a person, whose resume promotes it', async () => {
    stack = await startLocalStack({ fleet: noRegressionProfilePath, timeScale: 60 });
    await registerUpdate(stack);
    const created = await stack.api('POST', 'rollouts', {
      ...rollout, canary: { devices: 4 }, canarySoak: 'PT10M',
      analysis: { ...rollout.analysis, minSamplesPerCohort: 10, inconclusive: 'extend', maxExtensions: 1 },
    });
    expect(created.status).toBe(201);
    const paused = await waitForRollout(stack, created.body.id, ['Paused', 'Completed', 'RolledBack', 'Failed'], 150_000);
    expect({ status: paused.status, reason: paused.reason }).toEqual({
      status: 'Paused', reason: expect.stringMatching(/^canary: cohort analysis inconclusive: .*fewer than the 10 required per cohort; paused for a person after 1 soak extension:/),
    });
    // The pause and its reason are in the audit trail.
    const audit = JSON.stringify((await stack.api('GET', `audit?subject=${encodeURIComponent(`rollouts/${created.body.id}`)}`)).body.items);
    expect(audit).toMatch(/paused for a person after 1 soak extension/);

    expect((await stack.api('POST', `rollouts/${created.body.id}/resume`, {})).status).toBeLessThan(300);
    const after = await waitForRollout(stack, created.body.id, ['InProgress', 'Completed'], 60_000);
    await waitFor(async () => ((await stack!.api('GET', `rollouts/${created.body.id}`)).body.waves[0].status === 'Promoted'));
    expect(after.status).not.toBe('RolledBack');
  }, 240_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('timed out');
}
