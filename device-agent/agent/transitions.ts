/**
 * The journal's state machine: every step of the update workflow as a pure function from the journal before to
 * the journal after, reports included (appended to the outbox in the same write as the step they describe, so a
 * crash never loses a report nor sends one for a step that did not happen).
 */
import { otherSlot, outboxLimit, runningContent, type Delivery, type Job, type Journal, type OtaCommand, type OtaReport, type OtaState, type SlotContent } from './journal';

export interface Outcome {
  code: string;
  message: string;
}

/** Codes of the agent's own (the verifier's refusal codes are used as they are). */
export const agentCodes = {
  noPackage: 'no-package',
  downloadFailed: 'download-failed',
  installFailed: 'install-failed',
  healthProbe: 'health-probe',
  trialInterrupted: 'trial-interrupted',
  malformedCommand: 'malformed',
} as const;

interface ReportInput {
  state: OtaState;
  commandId?: string;
  error?: Outcome;
  delivery?: Delivery;
  healthy?: boolean;
}

/** The whole `ota` object, from what the journal says runs now: a report never names a version not running. */
export function report(journal: Journal, input: ReportInput, at: string): OtaReport {
  const running = runningContent(journal);
  return {
    ...(input.commandId !== undefined ? { commandId: input.commandId } : {}),
    state: input.state,
    installedVersion: running.version,
    software: { [running.name]: running.version },
    healthy: input.healthy ?? true,
    error: input.error ? { code: input.error.code, message: input.error.message } : null,
    delivery: input.delivery ?? null,
    at,
  };
}

function withReport(journal: Journal, input: ReportInput, at: string): Journal {
  const outbox = [...journal.outbox, report(journal, input, at)];
  return { ...journal, outbox: outbox.slice(Math.max(0, outbox.length - outboxLimit)) };
}

/** A command is new when its id is neither the last accepted one nor the one in progress. */
export function isNewCommand(journal: Journal, commandId: string): boolean {
  return commandId !== journal.lastCommandId && commandId !== journal.job?.command.id;
}

/** On start: count the restart; a job past the switch is abandoned (the committed slot runs again), others resume. */
export function recoverOnStart(journal: Journal, at: string, firstStart = false): { journal: Journal; resume?: OtaCommand } {
  const started = { ...journal, restarts: journal.restarts + (firstStart ? 0 : 1) };
  const job = started.job;
  if (!job) return { journal: started };
  if (job.phase === 'downloading' || job.phase === 'installing') {
    return { journal: { ...started, job: { ...job, phase: 'downloading' } }, resume: job.command };
  }
  const failure = job.phase === 'reverting' && job.failure
    ? job.failure
    : { code: agentCodes.trialInterrupted, message: `the agent stopped during the trial of ${job.command.update.version} (${job.phase}): the previous version runs again` };
  return { journal: finishFailed({ ...started, job: undefined }, job, failure, at) };
}

/** First start: the service learns what the device runs before any command. */
export function announceIdle(journal: Journal, at: string): Journal {
  return withReport(journal, { state: 'idle' }, at);
}

/** Accepted: `downloading` for a package, `installing` for a restore to the other slot (nothing to fetch). */
export function accept(journal: Journal, command: OtaCommand, at: string, state: 'downloading' | 'installing' = 'downloading'): Journal {
  const job: Job = { command, phase: state, target: otherSlot(journal.committed) };
  return withReport({ ...journal, job, lastCommandId: command.id }, { state, commandId: command.id }, at);
}

/** A command refused or failed before anything was switched: the committed slot keeps running. */
export function refuseCommand(journal: Journal, command: OtaCommand, outcome: Outcome, at: string, delivery?: Delivery): Journal {
  const cleared: Journal = { ...journal, job: undefined, lastCommandId: command.id };
  return withReport(cleared, { state: 'failed', commandId: command.id, error: outcome, ...(delivery ? { delivery } : {}) }, at);
}

/** The command asks for what already runs: nothing to install, the answer is immediate. */
export function alreadyRunning(journal: Journal, command: OtaCommand, at: string): Journal {
  return withReport({ ...journal, job: undefined, lastCommandId: command.id }, { state: 'succeeded', commandId: command.id }, at);
}

export function verified(journal: Journal, delivery: Delivery, at: string): Journal {
  const job = requireJob(journal);
  return withReport({ ...journal, job: { ...job, phase: 'installing', delivery } }, { state: 'installing', commandId: job.command.id, delivery }, at);
}

/** The target slot holds `content` (installed, or already there for a restore); next is the switch. */
export function installed(journal: Journal, content: SlotContent, delivery?: Delivery): Journal {
  const job = requireJob(journal);
  return { ...journal, slots: { ...journal.slots, [job.target]: content }, job: { ...job, phase: 'switching', ...(delivery ? { delivery } : {}) } };
}

export function trialStarted(journal: Journal): Journal {
  const job = requireJob(journal);
  return { ...journal, job: { ...job, phase: 'trial' } };
}

/** The trial failed: recorded before the switch back, so a crash in between still reports the real reason. */
export function reverting(journal: Journal, failure: Outcome): Journal {
  const job = requireJob(journal);
  return { ...journal, job: { ...job, phase: 'reverting', failure } };
}

export function reverted(journal: Journal, at: string): Journal {
  const job = requireJob(journal);
  return finishFailed({ ...journal, job: undefined }, job, job.failure ?? { code: agentCodes.healthProbe, message: 'the trial failed' }, at);
}

/** The trial passed: the tried slot becomes the known-good one. */
export function committed(journal: Journal, at: string): Journal {
  const job = requireJob(journal);
  const done: Journal = { ...journal, committed: job.target, job: undefined, restarts: 0 };
  return withReport(done, { state: 'succeeded', commandId: job.command.id, healthy: true, ...(job.delivery ? { delivery: job.delivery } : {}) }, at);
}

/** A newer command replaces the one in progress: its job is dropped (the caller has switched back already). */
export function abandoned(journal: Journal): Journal {
  return { ...journal, job: undefined };
}

/** The hub acknowledged `delivered`: it leaves the outbox (unless the outbox dropped it meanwhile). */
export function sent(journal: Journal, delivered: OtaReport): Journal {
  const first = journal.outbox[0];
  return first !== undefined && JSON.stringify(first) === JSON.stringify(delivered) ? { ...journal, outbox: journal.outbox.slice(1) } : journal;
}

function finishFailed(journal: Journal, job: Job, failure: Outcome, at: string): Journal {
  // The install made the device unhealthy only when its trial failed; a refusal leaves it as it was.
  const healthy = failure.code !== agentCodes.healthProbe && failure.code !== agentCodes.trialInterrupted;
  return withReport(journal, { state: 'failed', commandId: job.command.id, error: failure, healthy, ...(job.delivery ? { delivery: job.delivery } : {}) }, at);
}

function requireJob(journal: Journal): Job {
  if (!journal.job) throw new Error('no command in progress');
  return journal.job;
}
