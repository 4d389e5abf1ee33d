/** What operators' telemetry gets from lifecycle steps and progress updates (names, dimensions, timings). */
import { lifecycleTelemetry } from '../../../activities/lifecycle-telemetry';
import { progressMeasurements } from '../../../activities/rollout-telemetry';
import type { RolloutRecord } from '../../../domain/rollouts/rollout-record';

const step = { stepId: 's', actor: 'ops@contoso.com', at: '2026-01-01T00:00:00.000Z' };

describe('lifecycle steps as custom events', () => {
  it('names a rollout step ota.rollout.<step> with the rollout and wave as dimensions, leaving comments out', () => {
    expect(lifecycleTelemetry({ ...step, action: 'wave.started', eventType: 'Contoso.Ota.WaveStatusChanged', subject: 'rollouts/ro-1', details: { wave: 2, status: 'Dispatching' } }))
      .toEqual({ name: 'ota.rollout.wave.started', rolloutId: 'ro-1', properties: expect.objectContaining({ wave: 2, status: 'Dispatching', action: 'wave.started' }) });
    const created = lifecycleTelemetry({ ...step, action: 'rollout.created', eventType: 'Contoso.Ota.RolloutCreated', subject: 'rollouts/ro-1', details: { comment: 'free text', byState: { failed: 1 } } });
    expect(created.name).toBe('ota.rollout.created');
    expect(created.properties).not.toHaveProperty('comment');
    expect(created.properties.byState).toBe('{"failed":1}');
  });

  it('names other steps ota.<action>, outside any rollout', () => {
    const imported = lifecycleTelemetry({ ...step, action: 'update.imported', eventType: 'Contoso.Ota.UpdateImported', subject: 'updates/contoso/x/1.0.0', details: {} });
    expect(imported).toEqual({ name: 'ota.update.imported', properties: expect.objectContaining({ subject: 'updates/contoso/x/1.0.0' }) });
  });
});

describe('rollout timings', () => {
  const record = (over: Partial<RolloutRecord>) => ({ id: 'ro-1', createdAt: '2026-01-01T00:00:00.000Z', reason: '', spec: {}, ...over }) as RolloutRecord;

  it('measures the approval wait from creation to the end of the gate, only for rollouts that need approval', () => {
    const waiting = record({ status: 'PendingApproval', spec: { approval: { stages: [] } } as unknown as RolloutRecord['spec'] });
    expect(progressMeasurements(waiting, { rolloutId: 'ro-1', at: '2026-01-01T02:00:00.000Z', status: 'Scheduled' })).toEqual([
      { name: 'ota.approval.wait', valueMs: 7_200_000, properties: { outcome: 'Scheduled' } },
    ]);
    expect(progressMeasurements(record({ status: 'PendingApproval' }), { rolloutId: 'ro-1', at: '2026-01-01T02:00:00.000Z', status: 'Scheduled' })).toEqual([]);
  });

  it('measures the rollback from its start (the crossed threshold) to every device verified back', () => {
    const rollingBack = record({ status: 'RollingBack', rollbackStartedAt: '2026-01-01T01:00:00.000Z', reason: 'canary failure threshold crossed' });
    expect(progressMeasurements(rollingBack, { rolloutId: 'ro-1', at: '2026-01-01T01:00:30.000Z', status: 'RolledBack' })).toEqual([
      { name: 'ota.rollback.latency', valueMs: 30_000, properties: { outcome: 'RolledBack', reason: 'canary failure threshold crossed' } },
    ]);
    expect(progressMeasurements(rollingBack, { rolloutId: 'ro-1', at: '2026-01-01T01:00:30.000Z' })).toEqual([]);
  });
});
