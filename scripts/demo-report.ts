/**
 * What the demo remembers of a run (statuses seen, each wave's counts before a roll back wiped them) and its final
 * report, including a census of the whole fleet through GET /api/devices.
 */
import type { RolloutView } from '../domain/rollouts/rollout-view';
import type { DemoApi } from './demo-stack';
import { sinceStart, waveName, type Snapshot } from './demo-view';

interface TimelineEntry {
  at: number;
  subject: string;
  status: string;
  note: string;
}

export class RunRecorder {
  readonly timeline: TimelineEntry[] = [];
  /** Per wave, the most devices seen succeeded and failed: once rolled back they count as restored instead. */
  readonly peaks: { succeeded: number; failed: number }[] = [];
  private lastStatus = '';
  private readonly lastWaveStatus: string[] = [];

  observe({ rollout, changedAt }: Snapshot): void {
    if (rollout.status !== this.lastStatus) {
      this.lastStatus = rollout.status;
      this.timeline.push({ at: changedAt, subject: 'rollout', status: rollout.status, note: rollout.reason });
    }
    rollout.waves.forEach((wave, i) => {
      const peak = (this.peaks[i] ??= { succeeded: 0, failed: 0 });
      peak.succeeded = Math.max(peak.succeeded, wave.succeeded);
      peak.failed = Math.max(peak.failed, wave.failed);
      if (wave.status === this.lastWaveStatus[i]) return;
      // Waves that have not started yet are no news.
      if (this.lastWaveStatus[i] !== undefined || wave.status !== 'NotStarted') {
        this.timeline.push({ at: changedAt, subject: waveName(wave, rollout.waves), status: wave.status, note: `${wave.succeeded} succeeded, ${wave.failed} failed of ${wave.deviceCount}` });
      }
      this.lastWaveStatus[i] = wave.status;
    });
  }
}

export interface ModelTally {
  devices: number;
  byVersion: Map<string, number>;
  /** Devices that accepted any command (an install, a restore). */
  commanded: number;
}

export interface Census {
  byModel: Map<string, ModelTally>;
  missing: string[];
}

interface DeviceAnswer {
  tags?: Record<string, string>;
  installedVersion?: string;
  desiredCommandId?: string;
}

/** GET /api/devices/{id} for every id, `concurrency` at a time: enough to be quick, few enough not to swamp the host. */
export async function takeCensus(api: DemoApi, ids: readonly string[], onProgress: (done: number) => void, concurrency = 16): Promise<Census> {
  const census: Census = { byModel: new Map(), missing: [] };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const { status, body } = await api.call<DeviceAnswer>('GET', `devices/${encodeURIComponent(id)}`);
      if (status === 200 && body.installedVersion) {
        const model = body.tags?.model ?? '(no model)';
        const tally = census.byModel.get(model) ?? { devices: 0, byVersion: new Map<string, number>(), commanded: 0 };
        census.byModel.set(model, tally);
        tally.devices++;
        tally.byVersion.set(body.installedVersion, (tally.byVersion.get(body.installedVersion) ?? 0) + 1);
        if (body.desiredCommandId) tally.commanded++;
      } else {
        census.missing.push(id);
      }
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return census;
}

export function formatReport(input: { rollout: RolloutView; recorder: RunRecorder; census: Census; virtualMs: number; realMs: number }): string {
  const { rollout, recorder, census } = input;
  const { provider, name, version } = rollout.updateId;
  const lines = [
    '',
    '── Report ──────────────────────────────────────────────────────────────',
    `Rollout ${rollout.id}: ${provider}/${name} ${version} to ${rollout.counts.targeted} devices`,
    `Final status: ${rollout.status} at ${sinceStart(input.virtualMs)} virtual, after ${Math.round(input.realMs / 1000)} s real`,
    `Reason: ${rollout.reason}`,
    '',
    'Timeline (virtual time since the rollout was created)',
    ...recorder.timeline.map((e) => `  ${sinceStart(e.at)}  ${e.subject.padEnd(7)}  ${e.status.padEnd(11)}  ${shorten(e.note, 100)}`),
    '',
    'Waves (succeeded and failed: the most seen before a roll back restored them)',
    table(
      ['wave', 'devices', 'status', 'succeeded', 'failed', 'rolled back'],
      rollout.waves.map((wave, i) => [waveName(wave, rollout.waves), wave.deviceCount, wave.status, recorder.peaks[i]?.succeeded ?? wave.succeeded,
        recorder.peaks[i]?.failed ?? wave.failed, wave.rolledBack]),
    ),
    '',
    ...censusLines(census),
  ];
  return lines.join('\n');
}

function censusLines(census: Census): string[] {
  const models = [...census.byModel.entries()].sort(([a], [b]) => a.localeCompare(b));
  const versions = [...new Set(models.flatMap(([, t]) => [...t.byVersion.keys()]))].sort();
  const total = models.reduce((sum, [, t]) => sum + t.devices, 0);
  const perVersion = versions.map((v) => [v, models.reduce((sum, [, t]) => sum + (t.byVersion.get(v) ?? 0), 0)] as const);
  const summary = perVersion.length === 1
    ? `All ${total} devices run ${perVersion[0]![0]}.`
    : `Devices by version: ${perVersion.map(([v, n]) => `${v}: ${n}`).join(', ')}.`;
  return [
    `Fleet by model and installed version (GET /api/devices for each of ${total + census.missing.length} devices)`,
    table(
      ['model', 'devices', ...versions.map((v) => `on ${v}`), 'got a command'],
      models.map(([model, t]) => [model, t.devices, ...versions.map((v) => t.byVersion.get(v) ?? 0), t.commanded]),
    ),
    summary + (census.missing.length ? ` ${census.missing.length} devices could not be read (e.g. ${census.missing[0]}).` : ''),
  ];
}

/** The full reason is printed once; the timeline only needs its start. */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Left-aligned text, right-aligned numbers, two spaces between columns. */
function table(header: string[], rows: (string | number)[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const cell = (value: string | number, c: number) => (numeric[c] ? String(value).padStart(widths[c]!) : String(value).padEnd(widths[c]!));
  return [header, ...rows].map((r) => `  ${r.map(cell).join('  ')}`.trimEnd()).join('\n');
}
