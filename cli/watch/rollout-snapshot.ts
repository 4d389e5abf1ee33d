/**
 * What `rollouts watch` shows of a rollout at one poll, read from the rollout report (GET /api/reports/rollouts/{id},
 * JSON): its status and reason, and per wave the device counts with the health breakdown of the latest health check
 * (the wave's `failed` counts install failures, unhealthy and silent devices together).
 */
import type { RolloutReport } from '../../domain/reports/rollout-report';

export interface WaveProgress {
  index: number;
  label: string;
  status: string;
  deviceCount: number;
  succeeded: number;
  /** Install failures, unhealthy and silent devices. */
  failed: number;
  /** Of `failed`, at the latest health check. */
  unhealthy: number;
  silent: number;
  pending: number;
  rolledBack: number;
}

export interface RolloutSnapshot {
  id: string;
  status: string;
  reason: string;
  final: boolean;
  waves: WaveProgress[];
}

export function snapshotOf(report: RolloutReport): RolloutSnapshot {
  return {
    id: report.rolloutId,
    status: report.status,
    reason: report.reason,
    final: report.final,
    waves: report.waves.map((wave) => {
      const latest = wave.healthTimeline[wave.healthTimeline.length - 1];
      return {
        index: wave.index,
        label: wave.kind === 'canary' ? 'canary' : `wave ${wave.index}`,
        status: wave.status,
        deviceCount: wave.deviceCount,
        succeeded: wave.succeeded,
        failed: wave.failed,
        unhealthy: latest?.unhealthy ?? 0,
        silent: latest?.silent ?? 0,
        pending: wave.pending,
        rolledBack: wave.rolledBack,
      };
    }),
  };
}

/** Devices of the wave with an outcome (succeeded or failed), for the progress bar. */
export const doneCount = (wave: WaveProgress): number => wave.succeeded + wave.failed;

/** The health summary of a wave in words. */
export function healthSummary(wave: WaveProgress): string {
  const parts = [`${wave.succeeded} succeeded`, `${wave.failed} failed (${wave.unhealthy} unhealthy, ${wave.silent} silent)`, `${wave.pending} pending`];
  if (wave.rolledBack > 0) parts.push(`${wave.rolledBack} rolled back`);
  return parts.join(', ');
}

export const statusLine = (snapshot: RolloutSnapshot): string => `rollout ${snapshot.id}: ${snapshot.status}${snapshot.reason ? ` (${snapshot.reason})` : ''}`;
