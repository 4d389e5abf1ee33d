/** Counting trial probes: consecutive passes commit, any failure or the deadline rolls back. */
import { nextTrialStep, startTrial, trialTimedOut } from '../../../../device-agent/agent/trial';

const rules = { requiredPasses: 3, timeoutMs: 10_000 };
const pass = { healthy: true };

it('passes after the required number of healthy probes', () => {
  let progress = startTrial(0);
  for (const t of [0, 1000]) {
    const next = nextTrialStep(progress, pass, t, rules);
    expect(next.kind).toBe('continue');
    if (next.kind === 'continue') progress = next.progress;
  }
  expect(nextTrialStep(progress, pass, 2000, rules)).toEqual({ kind: 'passed' });
});

it('fails at the first unhealthy probe, naming why', () => {
  const two = { consecutivePasses: 2, startedMs: 0 };
  expect(nextTrialStep(two, { healthy: false, reason: 'health command exited with 1' }, 100, rules)).toEqual({ kind: 'failed', reason: 'health probe failed: health command exited with 1' });
});

it('fails when the deadline passes before enough passes', () => {
  const one = { consecutivePasses: 1, startedMs: 0 };
  expect(nextTrialStep(one, pass, 10_000, rules)).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/timed out after 10 s with 2 of 3 passes/) });
  expect(trialTimedOut(one, 9_999, rules)).toBeUndefined();
  expect(trialTimedOut(one, 10_000, rules)?.kind).toBe('failed');
});

it('one pass is enough when one is required', () => {
  expect(nextTrialStep(startTrial(0), pass, 0, { requiredPasses: 1, timeoutMs: 1 })).toEqual({ kind: 'passed' });
});
