/**
 * The watch for pipes, logs and tests (no TTY): a plain line whenever the rollout's status or a wave's counts
 * change, nothing while they stay the same. In json mode each change is one JSON document per line (NDJSON).
 */
import { doneCount, healthSummary, statusLine, type RolloutSnapshot } from './rollout-snapshot';
import type { WatchView } from './watch-view';

export function plainLines(snapshot: RolloutSnapshot): Map<string, string> {
  const lines = new Map<string, string>([['rollout', statusLine(snapshot)]]);
  for (const wave of snapshot.waves) {
    lines.set(`wave ${wave.index}`, `${wave.label}: ${wave.status} ${doneCount(wave)}/${wave.deviceCount} — ${healthSummary(wave)}`);
  }
  return lines;
}

export function plainView(write: (text: string) => void): WatchView {
  const shown = new Map<string, string>();
  return {
    show(snapshot) {
      for (const [key, line] of plainLines(snapshot)) {
        if (shown.get(key) === line) continue;
        shown.set(key, line);
        write(`${line}\n`);
      }
    },
    stop() {},
  };
}

export function jsonLinesView(write: (text: string) => void): WatchView {
  let last = '';
  return {
    show(snapshot) {
      const line = JSON.stringify(snapshot);
      if (line === last) return;
      last = line;
      write(`${line}\n`);
    },
    stop() {},
  };
}
