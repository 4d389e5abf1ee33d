/**
 * Which devices a wave's cohort analysis compares, and over which window of the hub clock:
 * - updated: the wave's devices that installed the target, measured on it since the wave's first dispatch;
 * - baseline: not-yet-updated devices of later waves of the same sites and models, over the same window;
 * - the last wave has none left: its own devices, measured on their previous version over the window the wave
 *   before it was judged in (from that wave's start until this wave's first dispatch).
 * Each cohort is capped by a stable hash order (a fair sample, the same on every replay of the check).
 */
import { spreadHash32 } from '../../common/stable-hash';
import type { MetricWindow } from '../telemetry/metric-buckets';
import type { BatchRecord } from './rollout-record';

export interface CohortPlan {
  updated: { deviceIds: string[]; window: MetricWindow };
  baseline: { deviceIds: string[]; window: MetricWindow };
  /** How the baseline was chosen, for the reason an operator reads. */
  baselineKind: 'concurrent' | 'previous-window';
}

export interface CohortInput {
  rolloutId: string;
  targetVersion: string;
  /** This wave's batches. */
  wave: readonly BatchRecord[];
  /** Batches of the waves after this one (empty for the last wave). */
  later: readonly BatchRecord[];
  /** When the wave before this one started (for the last wave's baseline window). */
  previousWaveStartedAt: string | undefined;
  now: string;
  maxPerCohort: number;
}

export function planCohorts(input: CohortInput): CohortPlan | undefined {
  const sent = input.wave.filter((b) => b.dispatchedAt !== undefined);
  const firstDispatch = sent.map((b) => b.dispatchedAt!).sort()[0];
  if (firstDispatch === undefined) return undefined;
  const key = (site: string | undefined, model: string | undefined) => `${site ?? ''}\u0000${model ?? ''}`;
  const updated = sent.flatMap((b) => b.devices.filter((d) => d.state === 'succeeded'));
  const groups = new Set(updated.map((d) => key(d.site, d.model)));
  const waiting = input.later.flatMap((b) => b.devices.filter((d) => d.state === 'pending' && groups.has(key(d.site, d.model))));
  const sample = (ids: string[]) => ids
    .map((id) => ({ id, rank: spreadHash32(`${input.rolloutId}:cohort:${id}`) }))
    .sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id))
    .slice(0, input.maxPerCohort)
    .map((d) => d.id);
  const updatedWindow: MetricWindow = { from: firstDispatch, to: input.now, version: { is: input.targetVersion } };

  if (waiting.length > 0 || input.later.length > 0 || input.previousWaveStartedAt === undefined) {
    return {
      updated: { deviceIds: sample(updated.map((d) => d.deviceId)), window: updatedWindow },
      baseline: { deviceIds: sample(waiting.map((d) => d.deviceId)), window: { from: firstDispatch, to: input.now, version: { isNot: input.targetVersion } } },
      baselineKind: 'concurrent',
    };
  }
  return {
    updated: { deviceIds: sample(updated.map((d) => d.deviceId)), window: updatedWindow },
    baseline: {
      deviceIds: sample(input.wave.flatMap((b) => b.devices.map((d) => d.deviceId))),
      window: { from: input.previousWaveStartedAt, to: firstDispatch, version: { isNot: input.targetVersion } },
    },
    baselineKind: 'previous-window',
  };
}
