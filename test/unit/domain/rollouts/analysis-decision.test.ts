import { decideOnAnalysis, type AnalysisDecision, type AnalysisDecisionInput } from '../../../../domain/rollouts/analysis-decision';

const base: AnalysisDecisionInput = { verdict: 'pass', failsBefore: 0, soakEnded: false, extensions: 0, accepted: false, policy: { inconclusive: 'extend', maxExtensions: 2 } };

describe('decideOnAnalysis', () => {
  it.each<[string, Partial<AnalysisDecisionInput>, AnalysisDecision]>([
    ['passing during the soak', {}, 'continue'],
    ['failing once during the soak', { verdict: 'fail' }, 'continue'],
    ['failing twice in a row during the soak', { verdict: 'fail', failsBefore: 1 }, 'rollback'],
    ['failing at the soak\'s end', { verdict: 'fail', soakEnded: true }, 'rollback'],
    ['failing at the soak\'s end even after a person accepted an inconclusive one', { verdict: 'fail', soakEnded: true, accepted: true }, 'rollback'],
    ['passing at the soak\'s end', { soakEnded: true }, 'promote'],
    ['inconclusive during the soak', { verdict: 'inconclusive' }, 'continue'],
    ['inconclusive at the soak\'s end, extensions left', { verdict: 'inconclusive', soakEnded: true, extensions: 1 }, 'extend'],
    ['inconclusive at the soak\'s end, no extensions left', { verdict: 'inconclusive', soakEnded: true, extensions: 2 }, 'pause'],
    ['inconclusive at the soak\'s end with the pause policy', { verdict: 'inconclusive', soakEnded: true, policy: { inconclusive: 'pause', maxExtensions: 2 } }, 'pause'],
    ['inconclusive at the soak\'s end, accepted by a person', { verdict: 'inconclusive', soakEnded: true, extensions: 2, accepted: true }, 'promote'],
  ])('%s → %s', (_case, overrides, expected) => {
    expect(decideOnAnalysis({ ...base, ...overrides })).toBe(expected);
  });
});
