/**
 * What a wave does with a cohort analysis verdict at a health check. A critical regression rolls back; before the
 * soak ends it must show at two checks in a row (one look at noisy data is not enough, and every extra look is
 * another chance of a false alarm); at the soak's end one is enough. At the soak's end a pass promotes, and an
 * inconclusive analysis extends the soak (up to the limit) or pauses for a person, whose resume accepts it.
 */
import type { RolloutAnalysis } from './rollout-spec';

export type AnalysisVerdict = 'pass' | 'fail' | 'inconclusive';
export type AnalysisDecision = 'rollback' | 'continue' | 'promote' | 'extend' | 'pause';

export interface AnalysisDecisionInput {
  verdict: AnalysisVerdict;
  /** Failing verdicts in a row before this one. */
  failsBefore: number;
  /** The install-and-health assessment would promote now (the soak is over and no device is still installing). */
  soakEnded: boolean;
  extensions: number;
  /** A person resumed the wave after it paused on an inconclusive analysis. */
  accepted: boolean;
  policy: Pick<RolloutAnalysis, 'inconclusive' | 'maxExtensions'>;
}

export function decideOnAnalysis(input: AnalysisDecisionInput): AnalysisDecision {
  const { verdict, soakEnded } = input;
  if (verdict === 'fail' && (soakEnded || input.failsBefore >= 1)) return 'rollback';
  if (!soakEnded) return 'continue';
  if (verdict === 'pass' || input.accepted) return 'promote';
  if (verdict === 'fail') return 'rollback';
  return input.policy.inconclusive === 'extend' && input.extensions < input.policy.maxExtensions ? 'extend' : 'pause';
}
