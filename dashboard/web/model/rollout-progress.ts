/** What the page says about a rollout's waves: their names, how far each got, and the rollouts worth showing first. */
import type { RolloutStatus } from '../../../domain/rollouts/rollout-status';
import { isFinal } from '../../../domain/rollouts/rollout-status';
import type { RolloutView, WaveView } from '../../../domain/rollouts/rollout-view';

export function waveLabel(wave: Pick<WaveView, 'kind' | 'index'>): string {
  return wave.kind === 'canary' ? 'Canary' : `Wave ${wave.index}`;
}

/** Devices of the wave with an outcome (succeeded, failed or rolled back) out of all of its devices. */
export function waveProgress(wave: Pick<WaveView, 'deviceCount' | 'succeeded' | 'failed' | 'rolledBack'>): { done: number; of: number; text: string } {
  const done = Math.min(wave.deviceCount, wave.succeeded + wave.failed + wave.rolledBack);
  return { done, of: wave.deviceCount, text: `${done} of ${wave.deviceCount} devices done` };
}

/** Statuses in which a rollout still needs someone's attention or is still moving. */
export function isActive(status: RolloutStatus): boolean {
  return !isFinal(status);
}

/** Active rollouts first, then the rest; newest first within each. */
export function dashboardOrder(rollouts: readonly RolloutView[]): RolloutView[] {
  return [...rollouts].sort((a, b) => Number(isActive(b.status)) - Number(isActive(a.status)) || b.createdAt.localeCompare(a.createdAt));
}

export function updateLabel(rollout: Pick<RolloutView, 'updateId'>): string {
  const { provider, name, version } = rollout.updateId;
  return `${provider}/${name} ${version}`;
}
