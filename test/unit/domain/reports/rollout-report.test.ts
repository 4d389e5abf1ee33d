import { emptyCounts, type RolloutRecord, type WaveRecord } from '../../../../domain/rollouts/rollout-record';
import type { RolloutStatus, WaveStatus } from '../../../../domain/rollouts/rollout-status';
import { buildRolloutReport, rolloutReportDocument, rolloutTimeline, type TimelineKind } from '../../../../domain/reports/rollout-report';
import type { Update } from '../../../../domain/updates/update';

const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
const t = (hhmm: string) => `2025-06-01T${hhmm}:00.000Z`;

function wave(index: number, status: WaveStatus, deviceCount: number, counts: Partial<WaveRecord['counts']>, startedAt?: string, endedAt?: string): WaveRecord {
  return {
    index, kind: index === 0 ? 'canary' : 'wave', status, deviceCount, soakMs: 1_800_000, batches: [],
    counts: { ...emptyCounts(), ...counts }, ...(startedAt ? { startedAt } : {}), ...(endedAt ? { endedAt } : {}),
  };
}

function record(status: RolloutStatus, reason: string, waves: WaveRecord[], updatedAt: string, approvals: RolloutRecord['approvals'] = []): RolloutRecord {
  return {
    id: 'ro-1', status, reason, createdBy: 'ops@contoso.com', createdAt: t('08:00'), updatedAt, currentWave: waves.length - 1, waves, approvals,
    targetedCount: waves.reduce((n, w) => n + w.deviceCount, 0),
    spec: {
      updateId, target: { query: "tags.site = 'plant-a'" }, canary: { devices: 2 }, canarySoakMs: 1_800_000, waves: [{ percent: 100, soakMs: 3_600_000 }],
      healthCheckIntervalMs: 300_000, deviceTimeoutMs: 1_800_000, failureThreshold: { percent: 5 },
    },
  };
}

const wave1Health = [
  { at: t('09:40'), dispatched: 3, succeeded: 5, failed: 0, unhealthy: 0, silent: 0 },
  { at: t('10:40'), dispatched: 0, succeeded: 8, failed: 0, unhealthy: 0, silent: 0 },
];
const completed = record('Completed', 'every wave promoted', [
  wave(0, 'Promoted', 2, { succeeded: 2 }, t('09:00'), t('09:35')),
  { ...wave(1, 'Promoted', 8, { succeeded: 8 }, t('09:35'), t('10:40')), healthTimeline: wave1Health },
], t('10:40'), [{ approver: 'qa@contoso.com', decision: 'approve', comment: 'ok', stage: 'quality', at: t('08:30') }]);

const rolledBack = record('RolledBack', 'wave 1: 3 of 8 failed; 10 touched devices verified back on their previous version', [
  wave(0, 'RolledBack', 2, { restored: 2 }, t('09:00'), t('09:35')),
  wave(1, 'RolledBack', 8, { restored: 8 }, t('09:35'), t('09:50')),
], t('10:05'));

const waiting = record('PendingApproval', 'waiting for approval', [], t('08:00'));

describe('rolloutTimeline', () => {
  it.each<[string, RolloutRecord, [TimelineKind, string, string][]]>([
    ['a completed rollout with an approval', completed, [
      ['created', t('08:00'), 'created by ops@contoso.com'],
      ['approval', t('08:30'), 'approved by qa@contoso.com (stage quality): ok'],
      ['waveStarted', t('09:00'), 'canary started: 2 devices'],
      ['waveEnded', t('09:35'), 'canary ended; now Promoted'],
      ['waveStarted', t('09:35'), 'wave 1 of 1 started: 8 devices'],
      ['waveEnded', t('10:40'), 'wave 1 of 1 ended; now Promoted'],
      ['status', t('10:40'), 'Completed: every wave promoted'],
    ]],
    ['a rolled-back rollout names the waves as they are now', rolledBack, [
      ['created', t('08:00'), 'created by ops@contoso.com'],
      ['waveStarted', t('09:00'), 'canary started: 2 devices'],
      ['waveEnded', t('09:35'), 'canary ended; now RolledBack'],
      ['waveStarted', t('09:35'), 'wave 1 of 1 started: 8 devices'],
      ['waveEnded', t('09:50'), 'wave 1 of 1 ended; now RolledBack'],
      ['status', t('10:05'), 'RolledBack: wave 1: 3 of 8 failed; 10 touched devices verified back on their previous version'],
    ]],
    ['a rollout still waiting says "now"', waiting, [
      ['created', t('08:00'), 'created by ops@contoso.com'],
      ['status', t('08:00'), 'now PendingApproval: waiting for approval'],
    ]],
  ])('%s', (_, rollout, expected) => {
    expect(rolloutTimeline(rollout).map((e) => [e.kind, e.at, e.text])).toEqual(expected);
  });
});

describe('buildRolloutReport', () => {
  const imported: Update = {
    updateId, compatibility: [{ model: 'ctl-a' }], files: [], createdAt: t('07:00'),
    manifest: { provenance: { importedAt: t('06:59'), location: 'contoso.azurecr.io/line-controller:2.0.0', pushedBy: 'ci@contoso.com' } } as Update['manifest'],
  };

  it.each<[string, RolloutRecord, Update | undefined, object]>([
    ['completed: no roll back', completed, imported, {
      status: 'Completed', final: true, counts: { targeted: 10, succeeded: 10, failed: 0, rolledBack: 0 },
      rollback: { performed: false, waves: [], restored: 0 },
      update: { registered: true, registeredAt: t('07:00'), importedAt: t('06:59'), source: 'contoso.azurecr.io/line-controller:2.0.0', pushedBy: 'ci@contoso.com' },
    }],
    ['rolled back: waves newest first and the restored count', rolledBack, undefined, {
      status: 'RolledBack', final: true, counts: { rolledBack: 10 },
      rollback: { performed: true, waves: [1, 0], restored: 10 },
      update: { registered: false, registeredAt: null, importedAt: null },
    }],
    ['pending: not final, nothing planned', waiting, undefined, {
      status: 'PendingApproval', final: false, waves: [], rollback: { performed: false, waves: [], restored: 0 },
    }],
  ])('%s', (_, rollout, update, expected) => {
    expect(buildRolloutReport({ record: rollout, update, generatedAt: t('12:00') })).toMatchObject(expected);
  });

  it('keeps per-wave results with their times, and the approvals as decided', () => {
    const report = buildRolloutReport({ record: completed, update: imported, generatedAt: t('12:00') });
    expect(report.waves[1]).toEqual({
      index: 1, kind: 'wave', status: 'Promoted', deviceCount: 8, succeeded: 8, failed: 0, pending: 0, rolledBack: 0,
      soakMs: 1_800_000, startedAt: t('09:35'), endedAt: t('10:40'), healthTimeline: wave1Health, analysis: null,
    });
    expect(report.approvals).toEqual(completed.approvals);
    expect(report.target).toBe("tags.site = 'plant-a'");
  });

  it('renders waves, timeline, health by wave and approvals as tables, waves first', () => {
    const doc = rolloutReportDocument(buildRolloutReport({ record: completed, update: imported, generatedAt: t('12:00') }));
    expect(doc.tables.map((table) => [table.name, table.rows.length])).toEqual([['waves', 2], ['timeline', 7], ['health', 2], ['analysis', 0], ['approvals', 1]]);
    expect(doc.tables.find((table) => table.name === 'health')!.rows[0]).toEqual({ wave: 1, ...wave1Health[0] });
    expect(doc.facts).toContainEqual({ label: 'Status', value: 'Completed' });
  });
});
