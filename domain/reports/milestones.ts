/** Compliance milestones: when the share of eligible devices updated reached 95 % and 100 %. */
import { elapsedMs, isoDuration } from './elapsed';

export const milestonePercents = [95, 100] as const;

export interface Milestone {
  percent: (typeof milestonePercents)[number];
  /** Updated devices the milestone needs (the share of the eligible ones, rounded up). */
  devicesNeeded: number;
  reachedAt: string | null;
  /** The exposure window: from import to `reachedAt`. */
  afterMs: number | null;
  after: string | null;
}

export type ExposureState = 'noEligibleDevices' | 'exposed' | 'reached95' | 'reached100';

/** For each milestone, the confirmation time of the device that reached it (the n-th earliest). */
export function reachedMilestones(since: string, eligible: number, confirmations: readonly string[]): Milestone[] {
  const ordered = [...confirmations].sort((a, b) => Date.parse(a) - Date.parse(b));
  return milestonePercents.map((percent) => {
    // Integer arithmetic first, so 95 % of 20 is exactly 19.
    const devicesNeeded = Math.ceil((eligible * percent) / 100);
    const reachedAt = devicesNeeded > 0 ? (ordered[devicesNeeded - 1] ?? null) : null;
    const afterMs = reachedAt === null ? null : elapsedMs(since, reachedAt);
    return { percent, devicesNeeded, reachedAt, afterMs, after: afterMs === null ? null : isoDuration(afterMs) };
  });
}

export function exposureState(eligible: number, milestones: readonly Milestone[]): ExposureState {
  const reached = (percent: number) => milestones.some((m) => m.percent === percent && m.reachedAt !== null);
  if (eligible === 0) return 'noEligibleDevices';
  return reached(100) ? 'reached100' : reached(95) ? 'reached95' : 'exposed';
}
