/**
 * The API's read model of a rollout, derived from the stored record on every read: totals come from the waves'
 * per-state counts, so they are never stored twice and never disagree.
 */
import type { UpdateId } from '../updates/update';
import { emptyCounts, type ApprovalDecision, type DeviceStateCounts, type RolloutRecord, type WaveRecord } from './rollout-record';
import type { DeviceRolloutState, RolloutStatus, WaveStatus } from './rollout-status';
import type { ReasonCode } from './reason-codes';

export interface WaveView {
  index: number;
  kind: 'canary' | 'wave';
  status: WaveStatus;
  deviceCount: number;
  succeeded: number;
  /** Install failures, unhealthy and silent devices. */
  failed: number;
  /** Not sent yet or still installing. */
  pending: number;
  /** Restored to their previous version by a roll back. */
  rolledBack: number;
}

export interface RolloutCountsView {
  targeted: number;
  /** Every device that was sent a command, whatever became of it. */
  dispatched: number;
  succeeded: number;
  failed: number;
  pending: number;
  rolledBack: number;
}

export interface RolloutView {
  id: string;
  status: RolloutStatus;
  reason: string;
  /** The reason as a stable code (see reason-codes.ts); absent until the orchestration records its first step. */
  reasonCode?: ReasonCode;
  currentWave: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  updateId: UpdateId;
  waves: WaveView[];
  counts: RolloutCountsView;
  approvals: ApprovalDecision[];
}

/** From a whole record or a list row (which carries only the spec's updateId). */
export function toRolloutView(record: Omit<RolloutRecord, 'spec'> & { spec: Pick<RolloutRecord['spec'], 'updateId'> }): RolloutView {
  const waves = record.waves.map(toWaveView);
  const sum = (pick: (wave: WaveView) => number) => waves.reduce((total, wave) => total + pick(wave), 0);
  const sent = record.waves.reduce((total, wave) => total + sentCount(wave.counts), 0);
  return {
    id: record.id,
    status: record.status,
    reason: record.reason,
    ...(record.reasonCode ? { reasonCode: record.reasonCode } : {}),
    currentWave: record.currentWave,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    updateId: record.spec.updateId,
    waves,
    counts: {
      targeted: record.targetedCount,
      dispatched: sent,
      succeeded: sum((w) => w.succeeded),
      failed: sum((w) => w.failed),
      pending: sum((w) => w.pending),
      rolledBack: sum((w) => w.rolledBack),
    },
    approvals: [...record.approvals],
  };
}

/** Tallies devices by their state in the rollout. */
export function countDevices(devices: readonly { state: DeviceRolloutState }[]): DeviceStateCounts {
  const counts = emptyCounts();
  for (const device of devices) counts[device.state] += 1;
  return counts;
}

function toWaveView(wave: WaveRecord): WaveView {
  const { counts } = wave;
  // Devices of the wave not counted in any state yet (counts not refreshed) have not been sent either.
  const uncounted = Math.max(0, wave.deviceCount - Object.values(counts).reduce((total, n) => total + n, 0));
  return {
    index: wave.index,
    kind: wave.kind,
    status: wave.status,
    deviceCount: wave.deviceCount,
    succeeded: counts.succeeded,
    failed: counts.failed + counts.unhealthy + counts.silent,
    pending: counts.pending + counts.dispatched + uncounted,
    rolledBack: counts.restored,
  };
}

function sentCount(counts: DeviceStateCounts): number {
  return Object.values(counts).reduce((total, n) => total + n, 0) - counts.pending;
}
