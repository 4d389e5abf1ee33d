/**
 * The demo's live progress: on a terminal, bars redrawn in place (cli-progress); elsewhere (CI, a pipe, a log file)
 * one plain line per change, since redrawing would only fill the log with escape codes.
 */
import { waveLabel, wavesAfterCanary } from '../domain/rollouts/rollout-vocabulary';
import { Format, MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { RolloutView, WaveView } from '../domain/rollouts/rollout-view';

/** One poll of the rollout; times are virtual (the durable clock), in ms since the rollout was created. */
export interface Snapshot {
  rollout: RolloutView;
  /** When the rollout record last changed. */
  changedAt: number;
  /** The durable clock at the poll. */
  clock: number;
}

export interface ProgressView {
  show(snapshot: Snapshot): void;
  /** Leaves the last picture on screen and gives the terminal back. */
  stop(): void;
}

export function createProgressView(out: NodeJS.WriteStream, timeNote: string): ProgressView {
  return out.isTTY ? new RedrawnView(out, timeNote) : new PlainView(out);
}

/** "T+01:05:00": virtual time since the rollout was created. */
export function sinceStart(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `T+${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

/** The reasons' vocabulary: "canary", "wave 2 of 3". */
export const waveName = (wave: WaveView, waves: readonly WaveView[]): string => waveLabel(wave, wavesAfterCanary(waves));

export const waveCounts = (wave: WaveView): string =>
  `${wave.succeeded} succeeded, ${wave.failed} failed, ${wave.pending} pending, ${wave.rolledBack} rolled back`;

/** Devices of the wave that are no longer waiting for anything. */
const settled = (wave: WaveView): number => wave.deviceCount - wave.pending;

type Line = { line: string };

class RedrawnView implements ProgressView {
  private readonly bars: MultiBar;
  private readonly header: SingleBar;
  private readonly reason: SingleBar;
  private readonly waves: SingleBar[] = [];
  private readonly startedAt = Date.now();

  constructor(private readonly out: NodeJS.WriteStream, private readonly timeNote: string) {
    // Header lines are bars whose format ignores the bar, so everything redraws together.
    this.bars = new MultiBar({
      stream: out, hideCursor: true, clearOnComplete: false, gracefulExit: false, fps: 8,
      format: (_options, _params, payload: Line) => payload.line,
    }, Presets.shades_classic);
    this.header = this.bars.create(1, 0, { line: 'waiting for the first status…' });
    this.reason = this.bars.create(1, 0, { line: '' });
  }

  show({ rollout, clock }: Snapshot): void {
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const real = Math.round((Date.now() - this.startedAt) / 1000);
    this.header.update(0, { line: `rollout ${rollout.id}  ${rollout.status}  ·  ${sinceStart(clock)} ${this.timeNote}  ·  ${real} s real` });
    this.reason.update(0, { line: `  ${rollout.reason}`.slice(0, width) });
    rollout.waves.forEach((wave, i) => {
      const payload = { line: '', ...waveLine(wave, rollout.waves) };
      const bar = (this.waves[i] ??= this.bars.create(wave.deviceCount, settled(wave), payload, { format: waveFormat }));
      bar.update(settled(wave), payload);
    });
  }

  stop(): void {
    this.bars.update(); // the final picture, not the one from the last timer tick
    this.bars.stop();
  }
}

const waveLine = (wave: WaveView, waves: readonly WaveView[]) => ({ name: waveName(wave, waves).padEnd(11), status: wave.status.padEnd(11), counts: waveCounts(wave) });

function waveFormat(options: Parameters<typeof Format.BarFormat>[1], params: { progress: number; value: number; total: number }, payload: ReturnType<typeof waveLine>): string {
  const count = `${params.value}/${params.total}`.padStart(9);
  return `  ${payload.name} ${Format.BarFormat(params.progress, options)} ${count}  ${payload.status} ${payload.counts}`;
}

class PlainView implements ProgressView {
  private lastRollout = '';
  private readonly lastWaves: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream) {}

  show({ rollout, changedAt }: Snapshot): void {
    const at = sinceStart(changedAt);
    const head = `${rollout.status}: ${rollout.reason}`;
    if (head !== this.lastRollout) {
      this.lastRollout = head;
      this.out.write(`${at}  rollout  ${head}\n`);
    }
    rollout.waves.forEach((wave, i) => {
      const line = `${wave.status}, ${settled(wave)}/${wave.deviceCount} settled: ${waveCounts(wave)}`;
      if (line === this.lastWaves[i]) return;
      this.lastWaves[i] = line;
      this.out.write(`${at}  ${waveName(wave, rollout.waves).padEnd(11)}  ${line}\n`);
    });
  }

  stop(): void {}
}
