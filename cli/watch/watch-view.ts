/** Where `rollouts watch` shows each poll: live bars on a terminal, plain lines or JSON lines elsewhere. */
import type { RolloutSnapshot } from './rollout-snapshot';

export interface WatchView {
  show(snapshot: RolloutSnapshot): void;
  /** Leaves the terminal as it found it (the cursor back, the last frame drawn). */
  stop(): void;
}
