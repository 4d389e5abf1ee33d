/**
 * Decides a wave's fate from its device counts: promote it, keep waiting, or roll the rollout back, with a reason an
 * operator can read in the status. Failures are install failures, devices unhealthy after the install and devices
 * that went silent past the device timeout. A roll back comes with the threshold's reason code.
 */
import type { DeviceStateCounts } from './rollout-record';
import type { FailureThreshold } from './rollout-spec';
import { plural } from './rollout-vocabulary';
import type { ReasonCode } from './reason-codes';

export type WaveVerdict = 'promote' | 'wait' | 'rollback';

export interface WaveAssessmentInput {
  counts: DeviceStateCounts;
  /** Devices planned for the wave; any not in `counts` yet are treated as not sent. */
  deviceCount: number;
  threshold: FailureThreshold;
  /** When the soak ends; undefined while the wave is still dispatching. */
  soakEndsAt: string | undefined;
  now: string;
}

export type WaveAssessment =
  | { verdict: 'rollback'; code: Extract<ReasonCode, 'threshold-count' | 'threshold-percent'>; reason: string }
  | { verdict: 'wait'; code: Extract<ReasonCode, 'dispatching' | 'soaking'>; reason: string }
  | { verdict: 'promote'; code: Extract<ReasonCode, 'wave-promoted'>; reason: string };

export function assessWave(input: WaveAssessmentInput): WaveAssessment {
  const { counts, deviceCount, threshold, soakEndsAt } = input;
  const failures = counts.failed + counts.unhealthy + counts.silent;
  const assessed = counts.succeeded + failures;
  const breakdown = `${plural(counts.failed, 'install failure')}, ${counts.unhealthy} unhealthy, ${counts.silent} silent`;

  if (threshold.count !== undefined && failures >= threshold.count) {
    return { verdict: 'rollback', code: 'threshold-count', reason: `${plural(failures, 'device')} failed, reaching the limit of ${threshold.count}: ${breakdown}` };
  }
  if (threshold.percent !== undefined && assessed > 0 && assessed >= (threshold.minDevices ?? 1)) {
    const share = (failures / assessed) * 100;
    if (share > threshold.percent) {
      return {
        verdict: 'rollback',
        code: 'threshold-percent',
        reason: `${failures} of ${plural(assessed, 'assessed device')} failed (${percent(share)}), above the ${percent(threshold.percent)} threshold: ${breakdown}`,
      };
    }
  }

  const counted = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const notSent = counts.pending + Math.max(0, deviceCount - counted);
  const installing = counts.dispatched;
  const outcome = `${counts.succeeded} of ${plural(deviceCount, 'device')} succeeded` + (failures > 0 ? `, ${failures} failed (${breakdown})` : '');

  if (soakEndsAt === undefined) {
    return { verdict: 'wait', code: 'dispatching', reason: `dispatching; ${deviceCount - notSent} of ${plural(deviceCount, 'device')} sent, ${installing} installing` };
  }
  if (toMs(input.now, 'now') < toMs(soakEndsAt, 'soakEndsAt')) {
    const progress = installing + notSent > 0 ? `${plural(installing + notSent, 'device')} still installing` : `${outcome} so far`;
    return { verdict: 'wait', code: 'soaking', reason: `soaking until ${soakEndsAt}; ${progress}` };
  }
  if (installing + notSent > 0) {
    return { verdict: 'wait', code: 'soaking', reason: `soak ended but ${plural(installing + notSent, 'device')} still installing; ${outcome} so far` };
  }
  return { verdict: 'promote', code: 'wave-promoted', reason: `soak ended; ${outcome}` };
}

/** 30 → "30 %", 33.333 → "33.33 %". */
function percent(value: number): string {
  return `${Math.round(value * 100) / 100} %`;
}

function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} '${iso}' is not an ISO 8601 date-time`);
  return ms;
}
