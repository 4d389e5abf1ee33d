import { dashboardOrder, waveLabel, waveProgress } from '../../../dashboard/web/model/rollout-progress';
import type { RolloutView } from '../../../domain/rollouts/rollout-view';

describe("a rollout's progress on the dashboard", () => {
  it('names the canary and numbers the waves', () => {
    expect(waveLabel({ kind: 'canary', index: 0 })).toBe('Canary');
    expect(waveLabel({ kind: 'wave', index: 2 })).toBe('Wave 2');
  });

  it('counts a device done once it has an outcome, failed and rolled back included', () => {
    expect(waveProgress({ deviceCount: 40, succeeded: 30, failed: 3, rolledBack: 2 })).toEqual({ done: 35, of: 40, text: '35 of 40 devices done' });
    expect(waveProgress({ deviceCount: 0, succeeded: 0, failed: 0, rolledBack: 0 }).text).toBe('0 of 0 devices done');
  });

  it('lists rollouts still moving first, newest first within each group', () => {
    const rollout = (id: string, status: RolloutView['status'], createdAt: string) => ({ id, status, createdAt }) as RolloutView;
    const order = dashboardOrder([
      rollout('old-done', 'Completed', '2026-01-01T00:00:00Z'),
      rollout('old-running', 'InProgress', '2026-01-02T00:00:00Z'),
      rollout('new-done', 'RolledBack', '2026-01-04T00:00:00Z'),
      rollout('new-pending', 'PendingApproval', '2026-01-03T00:00:00Z'),
    ]).map((r) => r.id);
    expect(order).toEqual(['new-pending', 'old-running', 'new-done', 'old-done']);
  });
});
