/**
 * `rollouts watch`: polls the rollout until its status is final, showing each poll, and returns the last snapshot
 * (its status is the exit code).
 */
import type { RolloutReport } from '../../domain/reports/rollout-report';
import type { ApiClient } from '../api-client';
import { snapshotOf, type RolloutSnapshot } from './rollout-snapshot';
import type { WatchView } from './watch-view';

export interface WatchOptions {
  intervalMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function fetchSnapshot(api: ApiClient, id: string): Promise<RolloutSnapshot> {
  return snapshotOf(await api.get<RolloutReport>(`reports/rollouts/${encodeURIComponent(id)}`, { format: 'json' }));
}

export async function watchRollout(poll: () => Promise<RolloutSnapshot>, view: WatchView, options: WatchOptions): Promise<RolloutSnapshot> {
  const sleep = options.sleep ?? pause;
  try {
    for (;;) {
      const snapshot = await poll();
      view.show(snapshot);
      if (snapshot.final) return snapshot;
      await sleep(options.intervalMs);
    }
  } finally {
    view.stop();
  }
}
