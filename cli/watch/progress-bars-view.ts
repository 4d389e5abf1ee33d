/**
 * The watch on a terminal: one live line for the rollout's status and reason, and a progress bar per wave (devices
 * with an outcome out of the wave's devices) with its status and health summary, redrawn in place (cli-progress).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { doneCount, healthSummary, statusLine, type WaveProgress } from './rollout-snapshot';
import type { WatchView } from './watch-view';

const waveFormat = '{label} [{bar}] {value}/{total} {status} | {health}';

export function progressBarsView(stream: NodeJS.WritableStream): WatchView {
  const bars = new MultiBar({
    stream,
    format: waveFormat,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    autopadding: true,
    // The bars redraw on every update(); a poll every few seconds needs no timer of its own.
    forceRedraw: true,
    // Ctrl-C is handled below: cli-progress's own handler would stop the bars but keep the watch polling.
    gracefulExit: false,
  }, Presets.shades_classic);
  // Ctrl-C: the cursor back and the last frame left on screen, then the shell's usual code for an interrupt.
  const interrupted = () => {
    bars.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  let header: SingleBar | undefined;
  const waveBars = new Map<number, SingleBar>();
  const payload = (wave: WaveProgress) => ({ label: wave.label.padEnd(7), status: wave.status.padEnd(11), health: healthSummary(wave) });
  return {
    show(snapshot) {
      if (!header) header = bars.create(1, 0, { line: statusLine(snapshot) }, { format: '{line}' });
      header.update(snapshot.final ? 1 : 0, { line: statusLine(snapshot) });
      for (const wave of snapshot.waves) {
        const bar = waveBars.get(wave.index);
        // A wave of no devices still draws (an empty bar), not a division by zero.
        const total = Math.max(wave.deviceCount, 1);
        if (!bar) waveBars.set(wave.index, bars.create(total, doneCount(wave), payload(wave)));
        else {
          bar.setTotal(total);
          bar.update(doneCount(wave), payload(wave));
        }
      }
      bars.update();
    },
    stop() {
      process.removeListener('SIGINT', interrupted);
      bars.stop();
    },
  };
}
