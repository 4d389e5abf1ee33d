/**
 * The report of one rollout: the update, who created and approved it, a status timeline, per-wave results and
 * the roll back. The timeline is derived from what the stored record holds (creation, approvals, each wave's
 * start and end, the last status change), so it needs no event history of its own.
 */
import { deviceCount, waveLabel, wavesAfterCanary } from '../rollouts/rollout-vocabulary';
import type { DeviceTarget } from '../fleet/fleet-port';
import type { ApprovalDecision, RolloutRecord, WaveAnalysisRecord } from '../rollouts/rollout-record';
import type { RolloutSpec } from '../rollouts/rollout-spec';
import type { HealthPoint } from '../rollouts/health-timeline';
import { isFinal, type RolloutStatus } from '../rollouts/rollout-status';
import { toRolloutView, type RolloutCountsView, type WaveView } from '../rollouts/rollout-view';
import type { Update, UpdateId } from '../updates/update';
import type { ReportDocument } from './report-document';

export type TimelineKind = 'created' | 'approval' | 'waveStarted' | 'waveEnded' | 'status';

export interface TimelineEvent {
  at: string;
  kind: TimelineKind;
  /** The wave an event is about. */
  wave?: number;
  text: string;
}

export interface ReportedWave extends WaveView {
  soakMs: number;
  /** The wave's device counts at each health check (install outcomes and health telemetry together). */
  healthTimeline: HealthPoint[];
  /** The wave's latest cohort analysis (null when the rollout asked for none or the wave was not analysed). */
  analysis: WaveAnalysisRecord | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface RolloutReport {
  generatedAt: string;
  rolloutId: string;
  update: {
    updateId: UpdateId;
    /** false when the update is no longer registered. */
    registered: boolean;
    registeredAt: string | null;
    importedAt: string | null;
    /** Where an imported update came from (registry repository:tag or blob URL) and who pushed it. */
    source: string | null;
    pushedBy: string | null;
  };
  target: string;
  createdBy: string;
  createdAt: string;
  status: RolloutStatus;
  reason: string;
  final: boolean;
  /** Who had to approve, as the rollout asked for it; null when no approval was required. */
  approvalPolicy: RolloutSpec['approval'] | null;
  approvals: ApprovalDecision[];
  timeline: TimelineEvent[];
  waves: ReportedWave[];
  counts: RolloutCountsView;
  rollback: {
    performed: boolean;
    /** Waves that were restored, newest first (the order compensation runs in). */
    waves: number[];
    /** Devices verified back on their previous version. */
    restored: number;
  };
}

export function buildRolloutReport(input: { record: RolloutRecord; update: Update | undefined; generatedAt: string }): RolloutReport {
  const { record, update } = input;
  const view = toRolloutView(record);
  const rolledBackWaves = record.waves.filter((w) => w.status === 'RolledBack').map((w) => w.index).sort((a, b) => b - a);
  return {
    generatedAt: input.generatedAt,
    rolloutId: record.id,
    update: {
      updateId: record.spec.updateId,
      registered: update !== undefined,
      registeredAt: update?.createdAt ?? null,
      importedAt: update?.manifest?.provenance.importedAt ?? null,
      source: update?.manifest?.provenance.location ?? null,
      pushedBy: update?.manifest?.provenance.pushedBy ?? null,
    },
    target: describeTarget(record.spec.target),
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    status: record.status,
    reason: record.reason,
    final: isFinal(record.status),
    approvalPolicy: record.spec.approval ?? null,
    approvals: record.approvals.map((a) => ({ ...a })),
    timeline: rolloutTimeline(record),
    waves: view.waves.map((wave) => {
      const stored = record.waves.find((w) => w.index === wave.index);
      return { ...wave, soakMs: stored?.soakMs ?? 0, healthTimeline: (stored?.healthTimeline ?? []).map((p) => ({ ...p })), analysis: stored?.analysis ?? null, startedAt: stored?.startedAt ?? null, endedAt: stored?.endedAt ?? null };
    }),
    counts: view.counts,
    rollback: {
      performed: rolledBackWaves.length > 0 || record.status === 'RollingBack' || record.status === 'RolledBack',
      waves: rolledBackWaves,
      restored: view.counts.rolledBack,
    },
  };
}

export function describeTarget(target: DeviceTarget): string {
  return 'query' in target ? target.query : `${target.deviceIds.length} listed device${target.deviceIds.length === 1 ? '' : 's'}`;
}

/** Events in time order; events at the same instant keep the order of the rollout's life (created first, status last). */
export function rolloutTimeline(record: RolloutRecord): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: record.createdAt, kind: 'created', text: `created by ${record.createdBy}` }];
  for (const a of record.approvals) {
    const verb = a.decision === 'approve' ? 'approved' : 'rejected';
    events.push({ at: a.at, kind: 'approval', text: `${verb} by ${a.approver}${a.stage ? ` (stage ${a.stage})` : ''}${a.comment ? `: ${a.comment}` : ''}` });
  }
  const waveCount = wavesAfterCanary(record.waves);
  for (const wave of record.waves) {
    const label = waveLabel(wave, waveCount);
    if (wave.startedAt) events.push({ at: wave.startedAt, kind: 'waveStarted', wave: wave.index, text: `${label} started: ${deviceCount(wave.deviceCount)}` });
    // A wave's status may have changed after it ended (RolledBack), so the event names the status it has now.
    if (wave.endedAt) events.push({ at: wave.endedAt, kind: 'waveEnded', wave: wave.index, text: `${label} ended; now ${wave.status}` });
  }
  // The record keeps only its latest status, stamped by its last change.
  events.push({ at: record.updatedAt, kind: 'status', text: `${isFinal(record.status) ? '' : 'now '}${record.status}: ${record.reason}` });
  return events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => Date.parse(a.event.at) - Date.parse(b.event.at) || a.order - b.order)
    .map(({ event }) => event);
}

export function rolloutReportDocument(report: RolloutReport): ReportDocument {
  const { updateId } = report.update;
  const { counts, rollback } = report;
  return {
    title: `Rollout ${report.rolloutId}`,
    generatedAt: report.generatedAt,
    facts: [
      { label: 'Update', value: `${updateId.provider}/${updateId.name} ${updateId.version}` },
      { label: 'Imported', value: report.update.importedAt ?? 'registered by hand' },
      { label: 'Target', value: report.target },
      { label: 'Created by', value: report.createdBy },
      { label: 'Created at', value: report.createdAt },
      { label: 'Status', value: report.status },
      { label: 'Reason', value: report.reason },
      { label: 'Devices', value: `${counts.targeted} targeted, ${counts.dispatched} sent, ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.pending} pending` },
      { label: 'Roll back', value: rollback.performed ? `waves ${rollback.waves.join(', ')} restored; ${rollback.restored} devices back on their previous version` : 'none' },
    ],
    notes: [],
    tables: [
      {
        name: 'waves', title: 'Waves',
        columns: [
          { key: 'index', label: 'Wave', numeric: true }, { key: 'kind', label: 'Kind' }, { key: 'status', label: 'Status' },
          { key: 'deviceCount', label: 'Devices', numeric: true }, { key: 'succeeded', label: 'Succeeded', numeric: true },
          { key: 'failed', label: 'Failed', numeric: true }, { key: 'pending', label: 'Pending', numeric: true },
          { key: 'rolledBack', label: 'Rolled back', numeric: true }, { key: 'startedAt', label: 'Started' }, { key: 'endedAt', label: 'Ended' },
        ],
        rows: report.waves.map(({ index, kind, status, deviceCount, succeeded, failed, pending, rolledBack, startedAt, endedAt }) =>
          ({ index, kind, status, deviceCount, succeeded, failed, pending, rolledBack, startedAt, endedAt })),
      },
      {
        name: 'timeline', title: 'Timeline',
        columns: [{ key: 'at', label: 'At' }, { key: 'kind', label: 'Event' }, { key: 'text', label: 'What happened' }],
        rows: report.timeline.map(({ at, kind, text }) => ({ at, kind, text })),
      },
      {
        name: 'health', title: 'Health by wave',
        columns: [
          { key: 'wave', label: 'Wave', numeric: true }, { key: 'at', label: 'Checked at' }, { key: 'dispatched', label: 'Installing', numeric: true },
          { key: 'succeeded', label: 'Healthy', numeric: true }, { key: 'failed', label: 'Install failed', numeric: true },
          { key: 'unhealthy', label: 'Unhealthy', numeric: true }, { key: 'silent', label: 'Silent', numeric: true },
        ],
        rows: report.waves.flatMap((w) => w.healthTimeline.map(({ at, dispatched, succeeded, failed, unhealthy, silent }) => ({ wave: w.index, at, dispatched, succeeded, failed, unhealthy, silent }))),
        note: 'Each wave\'s devices at each health check: unhealthy and silent count twin reports and health telemetry.',
      },
      {
        name: 'analysis', title: 'Cohort analysis by wave',
        columns: [
          { key: 'wave', label: 'Wave', numeric: true }, { key: 'at', label: 'Judged at' }, { key: 'metric', label: 'Metric' }, { key: 'verdict', label: 'Verdict' },
          { key: 'regressionPercent', label: 'Worse by %', numeric: true }, { key: 'intervalLow', label: 'CI low %', numeric: true }, { key: 'intervalHigh', label: 'CI high %', numeric: true },
          { key: 'pValue', label: 'p', numeric: true }, { key: 'updated', label: 'Updated devices', numeric: true }, { key: 'baseline', label: 'Baseline devices', numeric: true },
        ],
        rows: report.waves.flatMap((w) => (w.analysis?.metrics ?? []).map((m) => ({
          wave: w.index, at: w.analysis!.at, metric: m.metric, verdict: m.verdict, regressionPercent: round(m.regressionPercent),
          intervalLow: round(m.regressionInterval?.[0] ?? null), intervalHigh: round(m.regressionInterval?.[1] ?? null), pValue: m.pValue, updated: m.updatedCount, baseline: m.baselineCount,
        }))),
        note: 'Updated devices against not-yet-updated devices of the same sites and models over the same hours (Mann-Whitney U, Hodges-Lehmann shift); + is worse.',
      },
      {
        name: 'approvals', title: 'Approvals',
        columns: [{ key: 'at', label: 'At' }, { key: 'approver', label: 'Approver' }, { key: 'stage', label: 'Stage' }, { key: 'decision', label: 'Decision' }, { key: 'comment', label: 'Comment' }],
        rows: report.approvals.map((a) => ({ at: a.at, approver: a.approver, stage: a.stage ?? null, decision: a.decision, comment: a.comment ?? null })),
      },
    ],
  };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
