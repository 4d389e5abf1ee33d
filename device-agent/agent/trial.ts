/**
 * The trial period's verdict, probe by probe: it passes after `required` consecutive healthy probes and fails at
 * the first unhealthy one or when the deadline passes first. Pure, so the counting rules are tested on their own.
 */

export interface TrialProgress {
  consecutivePasses: number;
  startedMs: number;
}

export type TrialStep =
  | { kind: 'continue'; progress: TrialProgress }
  | { kind: 'passed' }
  | { kind: 'failed'; reason: string };

export interface TrialRules {
  requiredPasses: number;
  timeoutMs: number;
}

export function startTrial(nowMs: number): TrialProgress {
  return { consecutivePasses: 0, startedMs: nowMs };
}

export function nextTrialStep(progress: TrialProgress, probe: { healthy: boolean; reason?: string }, nowMs: number, rules: TrialRules): TrialStep {
  if (!probe.healthy) return { kind: 'failed', reason: `health probe failed: ${probe.reason ?? 'unhealthy'}` };
  const consecutivePasses = progress.consecutivePasses + 1;
  if (consecutivePasses >= rules.requiredPasses) return { kind: 'passed' };
  if (nowMs - progress.startedMs >= rules.timeoutMs) {
    return { kind: 'failed', reason: `trial timed out after ${Math.round(rules.timeoutMs / 1000)} s with ${consecutivePasses} of ${rules.requiredPasses} passes` };
  }
  return { kind: 'continue', progress: { ...progress, consecutivePasses } };
}

/** Checked before each wait: a probe that hangs or a long interval still ends the trial at its deadline. */
export function trialTimedOut(progress: TrialProgress, nowMs: number, rules: TrialRules): TrialStep | undefined {
  return nowMs - progress.startedMs >= rules.timeoutMs
    ? { kind: 'failed', reason: `trial timed out after ${Math.round(rules.timeoutMs / 1000)} s with ${progress.consecutivePasses} of ${rules.requiredPasses} passes` }
    : undefined;
}
