/**
 * The running agent: recovers from the journal, keeps the hub link, turns desired commands into workflow runs
 * (one at a time; a new command id replaces the one running), sends the outbox in order, and sends health
 * telemetry on its interval.
 */
import { hasPackage, parseCommand } from './command';
import type { ProbeConfig } from './health-probe';
import { runProbe } from './health-probe';
import { cpuPercent, healthBody, healthMessage, HealthRecord } from './health-telemetry';
import { activeSlot, committedContent, runningContent, type Journal, type OtaCommand } from './journal';
import { JournalStore } from './journal-store';
import { DeviceLink } from './device-link';
import { ensureSlotDir, pointCurrentAt, slotLayout, type SlotLayout } from './slots';
import * as step from './transitions';
import type { TrialRules } from './trial';
import type { UpdateHandler } from './update-handler';
import { restorableSlot, runAcceptedCommand, type WorkflowContext } from './workflow';

export interface AgentConfig {
  dataDir: string;
  updateName: string;
  initialVersion: string;
  tags: Record<string, string>;
  trustFile: string | undefined;
  probe: ProbeConfig;
  trial: TrialRules & { probeIntervalMs: number };
  telemetryIntervalMs: number;
  handler: UpdateHandler;
  log(line: string): void;
}

export interface HubEndpoint {
  /** A device connection string for azure-iot-device. */
  connectionString: string;
  /** The CA to trust (a local hub); undefined for a real hub. */
  ca: string | undefined;
}

interface Running {
  command: OtaCommand;
  abort: AbortController;
  done: Promise<void>;
}

const now = (): string => new Date().toISOString();

export class OtaAgent {
  private readonly store: JournalStore;
  private readonly layout: SlotLayout;
  private readonly health = new HealthRecord();
  private link: DeviceLink | undefined;
  private running: Running | undefined;
  private flushing = false;
  private telemetryTimer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  /** Commands are handled one after another, so a replacement waits for the replaced one to stop. */
  private queue: Promise<void> = Promise.resolve();
  private telemetryDropped = 0;
  private lastSeenId: string | undefined;

  constructor(private readonly config: AgentConfig) {
    this.layout = slotLayout(config.dataDir);
    this.store = JournalStore.open(config.dataDir, config.updateName, config.initialVersion);
  }

  get journal(): Journal {
    return this.store.journal;
  }

  start(hub: HubEndpoint): void {
    const recovered = step.recoverOnStart(this.store.journal, now(), this.store.created);
    const { resume } = recovered;
    const journal = this.store.update(() => (this.store.created ? step.announceIdle(recovered.journal, now()) : recovered.journal));
    // The factory slot exists as a folder too, so the health command can run in it.
    if (journal.slots.a) ensureSlotDir(this.layout, 'a', journal.slots.a);
    pointCurrentAt(this.layout, activeSlot(journal));
    const running = runningContent(journal);
    this.config.log(`running ${running.name} ${running.version} from slot ${activeSlot(journal)} (restarts since install: ${journal.restarts})`);
    if (resume) {
      this.config.log(`resuming command ${resume.id} after a restart`);
      this.run(resume);
    }
    this.link = new DeviceLink(hub.connectionString, hub.ca, {
      connected: (desired) => {
        void this.flush();
        this.onDesired(desired);
      },
      desiredChanged: (desired) => this.onDesired(desired),
      log: this.config.log,
    });
    this.link.start();
    this.telemetryTimer = setInterval(() => void this.sendHealth(), this.config.telemetryIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.telemetryTimer);
    this.stopping.abort(new Error('the agent is stopping'));
    this.running?.abort.abort(new Error('the agent is stopping'));
    await this.running?.done.catch(() => undefined);
    await this.link?.stop();
    if (this.telemetryDropped > 0) this.config.log(`health telemetry: ${this.telemetryDropped} messages dropped while offline`);
  }

  private onDesired(desired: Record<string, unknown>): void {
    const ota = desired.ota;
    const command = typeof ota === 'object' && ota !== null ? (ota as { command?: unknown }).command : undefined;
    const parsed = parseCommand(command);
    const id = parsed?.ok ? parsed.command.id : parsed?.id;
    // The same desired state arrives twice on connect (GET, then the first push event): act on an id once.
    if (!parsed || id === undefined || id === this.lastSeenId || !step.isNewCommand(this.store.journal, id)) return;
    this.lastSeenId = id;
    this.config.log(`command ${id} received`);
    this.queue = this.queue.then(() => this.replaceRunning()).then(() => {
      if (this.stopping.signal.aborted || !step.isNewCommand(this.store.journal, id)) return;
      if (!parsed.ok) {
        const malformed: OtaCommand = { id, kind: 'install', update: { name: '', version: '' } };
        this.apply((journal) => step.refuseCommand(journal, malformed, { code: step.agentCodes.malformedCommand, message: parsed.problem }, now()));
        return;
      }
      this.dispatch(parsed.command);
    });
  }

  /** Decides what an accepted command needs; runs the workflow when there is something to install. */
  private dispatch(command: OtaCommand): void {
    const journal = this.store.journal;
    const running = committedContent(journal);
    const sameUpdate = command.update.name === '' || command.update.name === running.name;
    if (sameUpdate && command.update.version === running.version) {
      this.config.log(`command ${command.id}: ${running.version} already runs`);
      this.apply((j) => step.alreadyRunning(j, command, now()));
      return;
    }
    if (command.kind === 'restore') {
      const accepted = step.accept(journal, command, now(), 'installing');
      if (restorableSlot(accepted, this.layout, command)) {
        this.apply(() => accepted);
        this.run(command);
        return;
      }
    }
    if (!hasPackage(command)) {
      const message = command.kind === 'restore'
        ? `version ${command.update.version} is in neither slot and the command carries no package`
        : `the command carries no signed package (signedManifest and files): this agent installs verified packages only`;
      this.config.log(`command ${command.id}: refused (no-package)`);
      this.apply((j) => step.refuseCommand(j, command, { code: step.agentCodes.noPackage, message }, now()));
      return;
    }
    this.apply((j) => step.accept(j, command, now()));
    this.run(command);
  }

  /** Stops the command in progress; a tried slot is switched back first, as the replacement starts from the committed one. */
  private async replaceRunning(): Promise<void> {
    const current = this.running;
    if (!current) return;
    this.config.log(`command ${current.command.id} replaced by a newer command`);
    current.abort.abort(new Error('replaced by a newer command'));
    await current.done.catch(() => undefined);
    if (this.store.journal.job) {
      pointCurrentAt(this.layout, this.store.journal.committed);
      this.store.update(step.abandoned);
    }
  }

  private run(command: OtaCommand): void {
    const abort = new AbortController();
    const done = runAcceptedCommand(this.workflowContext(), command, abort.signal)
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        // A bug or an I/O failure of the agent itself: the journal still says where it was; a restart resumes.
        this.config.log(`command ${command.id}: stopped by an unexpected error: ${(error as Error).message}`);
      })
      .finally(() => {
        if (this.running?.command.id === command.id) this.running = undefined;
      });
    this.running = { command, abort, done };
  }

  private workflowContext(): WorkflowContext {
    const { config } = this;
    return {
      store: this.store, layout: this.layout, handler: config.handler, trustFile: config.trustFile, tags: config.tags,
      probe: config.probe, trial: config.trial, health: this.health, log: config.log,
      apply: (change) => this.apply(change),
    };
  }

  private apply(change: (journal: Journal) => Journal): void {
    const before = this.store.journal.outbox.length;
    const after = this.store.update(change).outbox.length;
    if (after !== before) void this.flush();
  }

  /** Sends the outbox in order while connected; what fails stays for the next connection. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const next = this.store.journal.outbox[0];
        if (!next || !this.link?.isConnected) return;
        await this.link.updateReported({ ota: next });
        this.store.update((journal) => step.sent(journal, next));
      }
    } catch (error) {
      this.config.log(`report not sent, kept in the outbox (${this.store.journal.outbox.length}): ${(error as Error).message}`);
    } finally {
      this.flushing = false;
    }
  }

  private async sendHealth(): Promise<void> {
    const journal = this.store.journal;
    const slot = activeSlot(journal);
    const running = runningContent(journal);
    // During a trial the trial's own probes are the latest verdict; otherwise probe now.
    if (journal.job?.phase !== 'trial' && (this.config.probe.healthCmd !== undefined || this.config.probe.healthUrl !== undefined)) {
      this.health.record(await runProbe(this.config.probe, { dir: this.layout.slotDir(slot), version: running.version, slot }, this.stopping.signal));
    }
    const body = healthBody({ version: running.version, probe: this.health.latest, restarts: journal.restarts, errorRate: this.health.errorRate, cpuPercent: cpuPercent(), at: now() });
    try {
      if (!this.link) throw new Error('not connected');
      await this.link.sendEvent(healthMessage(body));
    } catch (error) {
      this.telemetryDropped++;
      this.config.log(`health message dropped (${this.telemetryDropped} so far): ${(error as Error).message}`);
    }
  }
}
