/** Audit steps are decided on statuses and reason codes, never on the wording of a reason. */
import { progressSteps } from '../../../activities/progress-steps';
import type { RolloutRecord } from '../../../domain/rollouts/rollout-record';
import type { ReasonCode } from '../../../domain/rollouts/reason-codes';

const inProgress = { id: 'ro-1', status: 'InProgress', reason: 'wave 1 of 2: soaking', approvals: [], waves: [] } as unknown as RolloutRecord;
const rollingBack = (reasonCode: ReasonCode, reason: string) => progressSteps(inProgress, { rolloutId: 'ro-1', at: '2026-03-02T09:00:00.000Z', status: 'RollingBack', reasonCode, reason });

describe('a roll back start', () => {
  it.each<[string, ReasonCode, string]>([
    ['the count limit (whose reason never says "threshold")', 'threshold-count', 'rolling back: wave 1 of 2: 3 devices failed, reaching the limit of 3: 0 install failures, 3 unhealthy, 0 silent'],
    ['the percent threshold', 'threshold-percent', 'rolling back: canary: 2 of 4 assessed devices failed (50 %), above the 10 % threshold: 2 install failures, 0 unhealthy, 0 silent'],
  ])('caused by %s is audited as a threshold crossing, then a roll back', (_, code, reason) => {
    const steps = rollingBack(code, reason);
    expect(steps.map((s) => s.action)).toEqual(['threshold.crossed', 'rollback.started']);
    expect(steps[0]!.details).toEqual({ reasonCode: code, reason });
    expect(steps[1]!.details).toEqual({ from: 'InProgress', to: 'RollingBack', reasonCode: code, reason });
  });

  it.each<[ReasonCode, string]>([
    ['rollback-requested', 'rolling back: roll back requested by ops@contoso.com during wave 1 of 2 (the threshold seemed close)'],
    ['analysis-failed', 'rolling back: canary: cohort analysis failed: cycleTimeMs 30 % worse, above the 10 % threshold'],
    ['activity-failed', 'rolling back: wave 1 of 2: dispatchBatch failed after 4 attempts: threshold of open connections reached'],
  ])('caused by %s is not a threshold crossing, whatever its reason says', (code, reason) => {
    expect(rollingBack(code, reason).map((s) => s.action)).toEqual(['rollback.started']);
  });
});
