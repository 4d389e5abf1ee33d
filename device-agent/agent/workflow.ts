/**
 * One accepted command, from the journal's `downloading` step to its final report: fetch and verify the package
 * (or reuse the other slot for a restore), install into the inactive slot, switch `current`, try the new version
 * with the health probes and either commit it or switch back. Every step is journaled before it is acted on.
 */
import { fetchVerifiedPackage } from './fetch-package';
import { runProbe, type ProbeConfig } from './health-probe';
import type { HealthRecord } from './health-telemetry';
import { committedContent, type Journal, type OtaCommand } from './journal';
import type { JournalStore } from './journal-store';
import { pointCurrentAt, slotMatches, type SlotLayout } from './slots';
import * as step from './transitions';
import { nextTrialStep, startTrial, trialTimedOut, type TrialRules } from './trial';
import type { UpdateHandler } from './update-handler';

export interface WorkflowContext {
  store: JournalStore;
  layout: SlotLayout;
  handler: UpdateHandler;
  trustFile: string | undefined;
  tags: Record<string, string>;
  probe: ProbeConfig;
  trial: TrialRules & { probeIntervalMs: number };
  health: HealthRecord;
  /** Applies a journal step and sends any report it made. */
  apply(change: (journal: Journal) => Journal): void;
  log(line: string): void;
}

const now = (): string => new Date().toISOString();

/** The other slot already holds the restore's version, byte for byte as recorded when it was installed. */
export function restorableSlot(journal: Journal, layout: SlotLayout, command: OtaCommand): boolean {
  if (command.kind !== 'restore' || !journal.job) return false;
  const content = journal.slots[journal.job.target];
  return content !== undefined && content.version === command.update.version && slotMatches(layout, journal.job.target, content);
}

/** Runs the accepted command in the journal to its end; rejects only with the abort reason (stop or replaced). */
export async function runAcceptedCommand(ctx: WorkflowContext, command: OtaCommand, signal: AbortSignal): Promise<void> {
  const { store, layout } = ctx;
  const job = store.journal.job;
  if (!job || job.command.id !== command.id) return;

  if (restorableSlot(store.journal, layout, command)) {
    ctx.log(`command ${command.id}: restoring ${command.update.version} from slot ${job.target}`);
    ctx.apply((journal) => step.installed(journal, journal.slots[job.target]!));
  } else {
    const running = committedContent(store.journal);
    ctx.log(`command ${command.id}: fetching ${command.update.name} ${command.update.version} (running ${running.version})`);
    const fetched = await fetchVerifiedPackage({
      command, trustFile: ctx.trustFile, tags: ctx.tags, running, runningDir: layout.slotDir(store.journal.committed),
      downloadsDir: layout.downloadsDir, signal, now, log: ctx.log,
    });
    signal.throwIfAborted();
    if (!fetched.ok) {
      ctx.log(`command ${command.id}: refused (${fetched.code}): ${fetched.message}`);
      ctx.apply((journal) => step.refuseCommand(journal, command, { code: fetched.code, message: fetched.message }, now(), fetched.delivery));
      return;
    }
    ctx.apply((journal) => step.verified(journal, fetched.delivery, now()));
    try {
      await ctx.handler.install({ slotDir: layout.slotDir(job.target), content: fetched.content, files: fetched.files, signal });
    } catch (error) {
      signal.throwIfAborted();
      ctx.apply((journal) => step.refuseCommand(journal, command, { code: step.agentCodes.installFailed, message: `installing into slot ${job.target} failed: ${(error as Error).message}` }, now()));
      return;
    }
    signal.throwIfAborted();
    ctx.apply((journal) => step.installed(journal, fetched.content));
  }

  pointCurrentAt(layout, job.target);
  ctx.apply(step.trialStarted);
  ctx.log(`command ${command.id}: slot ${job.target} active, trial of ${command.update.version} started`);
  const verdict = await runTrial(ctx, job.target, command.update.version, signal);
  signal.throwIfAborted();
  if (verdict.kind === 'passed') {
    ctx.apply((journal) => step.committed(journal, now()));
    ctx.log(`command ${command.id}: ${command.update.version} committed`);
    return;
  }
  ctx.log(`command ${command.id}: ${verdict.reason}; switching back to slot ${store.journal.committed}`);
  ctx.apply((journal) => step.reverting(journal, { code: step.agentCodes.healthProbe, message: verdict.reason }));
  pointCurrentAt(layout, store.journal.committed);
  ctx.apply((journal) => step.reverted(journal, now()));
}

async function runTrial(ctx: WorkflowContext, slot: 'a' | 'b', version: string, signal: AbortSignal): Promise<{ kind: 'passed' } | { kind: 'failed'; reason: string }> {
  let progress = startTrial(Date.now());
  for (;;) {
    const remainingMs = Math.max(1000, ctx.trial.timeoutMs - (Date.now() - progress.startedMs));
    const probe = await runProbe({ ...ctx.probe, timeoutMs: Math.min(ctx.probe.timeoutMs, remainingMs) }, { dir: ctx.layout.slotDir(slot), version, slot }, signal);
    signal.throwIfAborted();
    ctx.health.record(probe);
    const next = nextTrialStep(progress, probe, Date.now(), ctx.trial);
    if (next.kind !== 'continue') return next;
    progress = next.progress;
    await sleep(ctx.trial.probeIntervalMs, signal);
    const timedOut = trialTimedOut(progress, Date.now(), ctx.trial);
    if (timedOut && timedOut.kind === 'failed') return timedOut;
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
