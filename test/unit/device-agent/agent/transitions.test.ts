/** The journal's state machine: what each step records and reports, and what a restart decides at each step. */
import { activeSlot, factoryJournal, outboxLimit, type Journal, type OtaCommand, type SlotContent } from '../../../../device-agent/agent/journal';
import * as step from '../../../../device-agent/agent/transitions';

const at = '2026-01-01T00:00:00.000Z';
const command: OtaCommand = { id: 'r-1:w1:b1:install', kind: 'install', update: { name: 'firmware', version: '2.0.0' }, signedManifest: 'jws', files: [{ fileName: 'fw.bin', url: 'http://x/fw.bin', deltas: [] }] };
const v2: SlotContent = { name: 'firmware', version: '2.0.0', releaseCounter: 7, files: [{ fileName: 'fw.bin', sizeInBytes: 3, sha256: 'abc' }] };

const fresh = (): Journal => factoryJournal('firmware', '1.0.0');
const lastReport = (journal: Journal) => journal.outbox[journal.outbox.length - 1]!;

/** A journal where the command reached the given phase. */
function reached(phase: 'downloading' | 'installing' | 'switching' | 'trial' | 'reverting'): Journal {
  let journal = step.accept(fresh(), command, at);
  if (phase === 'downloading') return journal;
  journal = step.verified(journal, { kind: 'full', bytes: 3 }, at);
  if (phase === 'installing') return journal;
  journal = step.installed(journal, v2);
  if (phase === 'switching') return journal;
  journal = step.trialStarted(journal);
  if (phase === 'trial') return journal;
  return step.reverting(journal, { code: 'health-probe', message: 'health command exited with 3' });
}

describe('reports along the happy path', () => {
  it('reports downloading, installing and succeeded with the version that runs at each step', () => {
    const accepted = step.accept(fresh(), command, at);
    expect(lastReport(accepted)).toMatchObject({ commandId: command.id, state: 'downloading', installedVersion: '1.0.0', error: null, delivery: null });
    const trial = reached('trial');
    expect(trial.outbox.map((r) => r.state)).toEqual(['downloading', 'installing']);
    expect(activeSlot(trial)).toBe('b');
    const done = step.committed(trial, at);
    expect(lastReport(done)).toEqual({ commandId: command.id, state: 'succeeded', installedVersion: '2.0.0', software: { firmware: '2.0.0' }, healthy: true, error: null, delivery: { kind: 'full', bytes: 3 }, at });
    expect(done.committed).toBe('b');
    expect(done.job).toBeUndefined();
  });

  it('acts on a command id once, also while it is in progress', () => {
    const accepted = step.accept(fresh(), command, at);
    expect(step.isNewCommand(accepted, command.id)).toBe(false);
    expect(step.isNewCommand(step.committed(reached('trial'), at), command.id)).toBe(false);
    expect(step.isNewCommand(accepted, 'another')).toBe(true);
  });

  it('keeps the previous version in a refusal report and records the command as handled', () => {
    const refused = step.refuseCommand(step.accept(fresh(), command, at), command, { code: 'downgrade', message: 'counter 3 ≤ 7' }, at, { kind: 'refused', bytes: 0 });
    expect(lastReport(refused)).toMatchObject({ state: 'failed', installedVersion: '1.0.0', error: { code: 'downgrade', message: 'counter 3 ≤ 7' }, delivery: { kind: 'refused', bytes: 0 } });
    expect(refused.job).toBeUndefined();
    expect(refused.lastCommandId).toBe(command.id);
  });

  it('after a failed trial reports failed/health-probe with the committed version running again', () => {
    const back = step.reverted(reached('reverting'), at);
    expect(lastReport(back)).toMatchObject({ state: 'failed', installedVersion: '1.0.0', healthy: false, error: { code: 'health-probe' } });
    expect(activeSlot(back)).toBe('a');
  });
});

describe('recovery on start', () => {
  it.each(['downloading', 'installing'] as const)('resumes a command stopped while %s, from the download', (phase) => {
    const { journal, resume } = step.recoverOnStart(reached(phase), at);
    expect(resume).toEqual(command);
    expect(journal.job?.phase).toBe('downloading');
    expect(journal.outbox).toHaveLength(reached(phase).outbox.length);
  });

  it.each(['switching', 'trial'] as const)('abandons a slot that was %s and reports failed/trial-interrupted', (phase) => {
    const { journal, resume } = step.recoverOnStart(reached(phase), at);
    expect(resume).toBeUndefined();
    expect(journal.job).toBeUndefined();
    expect(activeSlot(journal)).toBe('a');
    expect(lastReport(journal)).toMatchObject({ commandId: command.id, state: 'failed', installedVersion: '1.0.0', error: { code: 'trial-interrupted' } });
  });

  it('finishes a revert interrupted after its failure was recorded, with the real reason', () => {
    const { journal } = step.recoverOnStart(reached('reverting'), at);
    expect(lastReport(journal)).toMatchObject({ state: 'failed', error: { code: 'health-probe', message: 'health command exited with 3' } });
  });

  it('counts restarts, but not the first start, and resets them when an install commits', () => {
    const first = step.recoverOnStart(fresh(), at, true).journal;
    expect(first.restarts).toBe(0);
    const twice = step.recoverOnStart(step.recoverOnStart(first, at).journal, at).journal;
    expect(twice.restarts).toBe(2);
    expect(step.committed(step.trialStarted(step.installed(step.accept(twice, command, at), v2)), at).restarts).toBe(0);
  });
});

describe('outbox', () => {
  it('removes a report once sent, only if it is still the first', () => {
    const journal = reached('installing');
    const [first, second] = journal.outbox;
    expect(step.sent(journal, second!)).toBe(journal);
    expect(step.sent(journal, first!).outbox).toEqual([second]);
  });

  it(`keeps at most ${outboxLimit} reports, dropping the oldest`, () => {
    let journal = fresh();
    for (let i = 0; i < outboxLimit + 5; i++) journal = step.refuseCommand(journal, { ...command, id: `c-${i}` }, { code: 'no-package', message: 'none' }, at);
    expect(journal.outbox).toHaveLength(outboxLimit);
    expect(journal.outbox[0]!.commandId).toBe('c-5');
  });
});
