import { PassThrough } from 'node:stream';
import { CliError } from '../../../cli/cli-error';
import { exitCodeOfFinalStatus, exitCodes } from '../../../cli/exit-codes';
import { jsonLinesView, plainView } from '../../../cli/watch/plain-view';
import { progressBarsView } from '../../../cli/watch/progress-bars-view';
import type { RolloutSnapshot, WaveProgress } from '../../../cli/watch/rollout-snapshot';
import { watchRollout } from '../../../cli/watch/watch-rollout';

const wave = (index: number, over: Partial<WaveProgress> = {}): WaveProgress => ({
  index, label: index === 0 ? 'canary' : `wave ${index}`, status: 'NotStarted', deviceCount: 10, succeeded: 0, failed: 0, unhealthy: 0, silent: 0, pending: 10, rolledBack: 0, ...over,
});
const snapshot = (status: string, waves: WaveProgress[], final = false): RolloutSnapshot => ({ id: 'r-1', status, reason: '', final, waves });

const polls = [
  snapshot('InProgress', [wave(0, { status: 'Dispatching', succeeded: 4, pending: 6 }), wave(1)]),
  snapshot('InProgress', [wave(0, { status: 'Dispatching', succeeded: 4, pending: 6 }), wave(1)]),
  snapshot('InProgress', [wave(0, { status: 'Soaking', succeeded: 9, failed: 1, unhealthy: 1, pending: 0 }), wave(1)]),
  snapshot('RolledBack', [wave(0, { status: 'RolledBack', succeeded: 0, failed: 1, unhealthy: 1, pending: 0, rolledBack: 9 }), wave(1)], true),
];

async function watch(view: Parameters<typeof watchRollout>[1]): Promise<{ last: RolloutSnapshot; sleeps: number }> {
  let next = 0;
  let sleeps = 0;
  const last = await watchRollout(async () => polls[next++]!, view, { intervalMs: 1000, sleep: async () => { sleeps++; } });
  return { last, sleeps };
}

describe('rollouts watch', () => {
  it('polls until the status is final and ends with it', async () => {
    const { last, sleeps } = await watch(plainView(() => {}));
    expect(last.status).toBe('RolledBack');
    expect(sleeps).toBe(3);
    expect(exitCodeOfFinalStatus(last.status)).toBe(10);
  });

  it('without a terminal: a plain line for each change only, with the health summary', async () => {
    let text = '';
    await watch(plainView((line) => { text += line; }));
    expect(text.split('\n').filter(Boolean)).toEqual([
      'rollout r-1: InProgress',
      'canary: Dispatching 4/10 — 4 succeeded, 0 failed (0 unhealthy, 0 silent), 6 pending',
      'wave 1: NotStarted 0/10 — 0 succeeded, 0 failed (0 unhealthy, 0 silent), 10 pending',
      'canary: Soaking 10/10 — 9 succeeded, 1 failed (1 unhealthy, 0 silent), 0 pending',
      'rollout r-1: RolledBack',
      'canary: RolledBack 1/10 — 0 succeeded, 1 failed (1 unhealthy, 0 silent), 0 pending, 9 rolled back',
    ]);
  });

  it('json: one document per change', async () => {
    let text = '';
    await watch(jsonLinesView((line) => { text += line; }));
    expect(text.trim().split('\n').map((line) => JSON.parse(line).status)).toEqual(['InProgress', 'InProgress', 'RolledBack']);
  });

  it('on a terminal: a status line and a bar per wave with its counts, redrawn in place', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 160, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true });
    let drawn = '';
    terminal.on('data', (chunk: Buffer) => { drawn += chunk.toString(); });
    await watch(progressBarsView(terminal));
    expect(drawn).toContain('rollout r-1: RolledBack');
    expect(drawn).toMatch(/canary +\[[█░]+\] 10\/10 Soaking +\| 9 succeeded, 1 failed \(1 unhealthy, 0 silent\), 0 pending/);
    expect(drawn).toMatch(/wave 1 +\[░+\] 0\/10 NotStarted/);
  });

  it('every final status has its exit code; Completed is 0', () => {
    expect(['Completed', 'RolledBack', 'Failed', 'Cancelled', 'Rejected', 'Expired'].map(exitCodeOfFinalStatus)).toEqual([0, 10, 11, 12, 13, 14]);
    expect(exitCodeOfFinalStatus('InProgress')).toBeUndefined();
  });
});

describe('rollouts watch when polls go unanswered', () => {
  const unreachable = new CliError('cannot reach http://127.0.0.1:7071: connection refused', exitCodes.unreachable);
  const done = snapshot('Completed', [], true);

  it('carries on through a few missed polls in a row and ends with the rollout', async () => {
    const answers: Array<RolloutSnapshot | CliError> = [unreachable, unreachable, polls[0]!, unreachable, done];
    const missed: number[] = [];
    const last = await watchRollout(async () => {
      const next = answers.shift()!;
      if (next instanceof CliError) throw next;
      return next;
    }, plainView(() => {}), { intervalMs: 1, sleep: async () => {}, onMissedPoll: (_err, inARow) => missed.push(inARow) });
    expect(last.status).toBe('Completed');
    expect(missed).toEqual([1, 2, 1]);
  });

  it('gives up after too many in a row, and at once on a refusal', async () => {
    const failing = (error: CliError) => watchRollout(async () => { throw error; }, plainView(() => {}), { intervalMs: 1, missedPollsAllowed: 2, sleep: async () => {} });
    await expect(failing(unreachable)).rejects.toBe(unreachable);
    let polls403 = 0;
    const forbidden = new CliError('403 Forbidden', exitCodes.refused);
    await expect(watchRollout(async () => { polls403++; throw forbidden; }, plainView(() => {}), { intervalMs: 1, sleep: async () => {} })).rejects.toBe(forbidden);
    expect(polls403).toBe(1);
  });
});
