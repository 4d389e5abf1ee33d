/**
 * `rollouts watch`: polls the rollout until its status is final, showing each poll, and returns the last snapshot
 * (its status is the exit code). A watch runs for hours: a few polls in a row may go unanswered (a network blip, a
 * restart of the service) before it gives up, so a script does not mistake a blip for the rollout's outcome.
 */
import type { RolloutReport } from '../../domain/reports/rollout-report';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { exitCodes } from '../exit-codes';
import { snapshotOf, type RolloutSnapshot } from './rollout-snapshot';
import type { WatchView } from './watch-view';

export interface WatchOptions {
  intervalMs: number;
  /** Polls in a row that may fail with no answer or a 5xx before the watch fails (default 5). */
  missedPollsAllowed?: number;
  /** Told about each missed poll (the watch goes on). */
  onMissedPoll?: (error: CliError, inARow: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const transient = (err: unknown): err is CliError =>
  err instanceof CliError && (err.exitCode === exitCodes.unreachable || err.exitCode === exitCodes.serviceError);

export async function fetchSnapshot(api: ApiClient, id: string): Promise<RolloutSnapshot> {
  return snapshotOf(await api.get<RolloutReport>(`reports/rollouts/${encodeURIComponent(id)}`, { format: 'json' }));
}

export async function watchRollout(poll: () => Promise<RolloutSnapshot>, view: WatchView, options: WatchOptions): Promise<RolloutSnapshot> {
  const sleep = options.sleep ?? pause;
  const allowed = options.missedPollsAllowed ?? 5;
  let missed = 0;
  try {
    for (;;) {
      let snapshot: RolloutSnapshot | undefined;
      try {
        snapshot = await poll();
        missed = 0;
      } catch (err) {
        if (!transient(err) || ++missed > allowed) throw err;
        options.onMissedPoll?.(err, missed);
      }
      if (snapshot) {
        view.show(snapshot);
        if (snapshot.final) return snapshot;
      }
      await sleep(options.intervalMs);
    }
  } finally {
    view.stop();
  }
}
