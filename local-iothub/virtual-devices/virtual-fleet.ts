/**
 * The local IoT Hub's virtual devices: a fleet profile's devices, living in the hub's state with no socket, each
 * following docs/device-twin-contract.md as a real device agent would. A device's memory is its own twin (reported
 * `ota` and `virtualAgent`), which the hub persists, so the fleet resumes after a kill -9 from the restored twins.
 *
 * Built for 100,000+ devices: no per-device timers or closures. Installs finish lazily on the hub clock (which
 * tests may scale or jump): pending installs wait in a min-heap by finish time and are settled before anyone reads
 * twins (`onBeforeRead`) and every 200 ms of real time; each final report carries its finish time, not the time it
 * was settled. Construct it after persistence has restored the hub's twins.
 *
 * Online devices also send health messages (health-telemetry.ts) on the same 200 ms tick, after due installs are
 * settled, so a message reflects the install that finished before it.
 */
import { isObject, type DesiredPatchEvent, type HubState, type JsonObject, type MethodHandler, type TwinState } from '../hub-state';
import { agentProperty, countersJson, pendingJson, readAgentState, withCommand, withCounter, type AgentState, type PendingRecord } from './agent-state';
import { installedFor, otaJson, targetOf, viewOf, type DeviceView, type OtaReport } from './device-view';
import { fetchDownload, ownFilesFromStore, ownFilesNextToDelta } from './file-delivery';
import { FinishQueue } from './finish-queue';
import { defaultUpdateName, deviceIdOf, groupOf, type FleetProfile } from './fleet-profile';
import { HealthTelemetry, type HealthView } from './health-telemetry';
import { installOutcome, type InstallOutcome } from './install-outcome';
import { toIso } from './iso-time';
import { commandIdOf, parseCommand, type OtaCommand, type ParsedCommand } from './ota-command';
import { PackageVerifier, type TrustSource, type Verdict } from './package-verifier';
import { answerVirtualMethod } from './virtual-methods';

export interface VirtualFleetOptions {
  /** The root keys devices trust and the newest revocation list. Without it devices refuse every signed package. */
  trust?: TrustSource;
  log?: (line: string) => void;
  /** How devices download package files (default: the global fetch). */
  fetch?: typeof fetch;
  /**
   * Where devices read the files of versions they already run, the bases of deltas (a real device has them on its
   * disk): package-store paths `{provider}/{name}/{version}/{file}`. Without it they look next to the delta's URL
   * with its SAS, which works only for a container-wide SAS; otherwise they take the full file.
   */
  packageStore?: (path: string) => Promise<Uint8Array | undefined>;
}

/** An install running on a device, waiting for its finish time. */
interface RunningInstall extends PendingRecord {
  deviceId: string;
  finishMs: number;
  failed: boolean;
  unhealthy: boolean;
}

const settleIntervalMs = 200;

export class VirtualFleet {
  private readonly queue = new FinishQueue<RunningInstall>();
  /** The install each device runs; a queued install not found here was replaced by a newer command. */
  private readonly running = new Map<string, RunningInstall>();
  /** Devices that went silent for good. */
  private readonly offline = new Set<string>();
  private readonly verifier: PackageVerifier;
  private readonly log: (line: string) => void;
  private readonly stops: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private deliveriesInFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private settling = false;
  private readonly health: HealthTelemetry | undefined;

  constructor(
    private readonly state: HubState,
    private readonly profile: FleetProfile,
    options: VirtualFleetOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    const download = fetchDownload(options.fetch ?? fetch);
    const readOwn = options.packageStore ? ownFilesFromStore(options.packageStore) : ownFilesNextToDelta(download);
    this.verifier = new PackageVerifier({ trust: options.trust, download, readOwn, log: this.log });
    this.stops.push(
      state.onDesiredPatch((event) => this.onDesiredPatch(event)),
      state.onBeforeRead(() => this.settleDue()),
      state.onChange((change) => {
        // A re-enabled device reconnects and reads its twin: commands sent meanwhile are not lost.
        if (change.type === 'identity' && change.identity.virtual && change.identity.status === 'enabled') this.reconnect(change.identity.deviceId);
      }),
      state.setMethodFallback((deviceId) => this.methodHandlerFor(deviceId)),
    );
    if (profile.healthTelemetry) {
      const { intervalMs } = profile.healthTelemetry;
      const health = new HealthTelemetry(state, { intervalMs, seed: profile.seed, metricRules: profile.metrics, viewOf: (deviceId) => this.healthViewOf(deviceId) });
      for (const group of profile.devices) for (let index = 0; index < group.count; index++) health.add(deviceIdOf(group, index));
      this.health = health;
    }
    this.timer = setInterval(() => this.tick(), settleIntervalMs);
    this.timer.unref();
    for (const identity of state.identities.values()) if (identity.virtual) this.resume(identity.deviceId);
  }

  /**
   * Creates every profile device the hub does not hold yet and reports its initial `ota`. Devices already in the
   * hub (restored after a restart) are left as they are.
   */
  provision(): { created: number; existing: number } {
    let created = 0;
    let existing = 0;
    const at = toIso(this.state.now());
    for (const group of this.profile.devices) {
      // One frozen tags object per group: the hub copies it only for a device whose tags the service changes.
      const tags = Object.freeze({ ...group.tags }) as JsonObject;
      // One patch per group: the hub merges it into each twin, copying its objects.
      const initial: JsonObject = {
        ota: { state: 'idle', installedVersion: group.installedVersion, software: { [group.updateName]: group.installedVersion, ...group.software }, healthy: true, at },
      };
      for (let index = 0; index < group.count; index++) {
        const deviceId = deviceIdOf(group, index);
        if (this.state.identities.has(deviceId)) {
          existing++;
          continue;
        }
        this.state.createIdentity({ deviceId, virtual: true, tags });
        this.state.patchReported(deviceId, initial);
        created++;
      }
    }
    this.log(`virtual devices: ${created} provisioned, ${existing} already in the hub`);
    return { created, existing };
  }

  /** The command ids a device accepted, oldest first (the last 50). */
  commandsReceived(deviceId: string): string[] {
    const twin = this.state.twins.get(deviceId);
    return twin ? [...readAgentState(twin.reported).commands] : [];
  }

  /** Resolves once no device is downloading or verifying a package (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (this.deliveriesInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Finishes every install due by the hub clock's now, in finish order. */
  settleDue(): void {
    if (this.settling) return; // a report's change listener read twins: the outer loop carries on
    this.settling = true;
    try {
      const nowMs = this.state.now();
      for (let install = this.queue.popDue(nowMs); install; install = this.queue.popDue(nowMs)) {
        if (this.running.get(install.deviceId) !== install) continue;
        this.running.delete(install.deviceId);
        this.finish(install);
      }
    } finally {
      this.settling = false;
    }
  }

  /** Settles due installs, then sends the health messages due (each then reports the state just settled). */
  tick(): void {
    this.settleDue();
    this.health?.sendDue();
  }

  stop(): void {
    clearInterval(this.timer);
    this.health?.stop();
    for (const stop of this.stops.splice(0)) stop();
  }

  // ---- commands ---------------------------------------------------------------------------------------------------

  private onDesiredPatch({ deviceId, twin }: DesiredPatchEvent): void {
    const identity = this.state.identities.get(deviceId);
    if (!identity?.virtual || identity.status !== 'enabled') return;
    // An install that finished before this command keeps its result instead of being replaced.
    this.settleDue();
    this.actOnDesired(deviceId, twin);
  }

  private reconnect(deviceId: string): void {
    const twin = this.state.twins.get(deviceId);
    if (twin) this.actOnDesired(deviceId, twin);
  }

  /** Acts on `desired.ota.command` once per id, however often the device sees it. */
  private actOnDesired(deviceId: string, twin: TwinState): void {
    if (this.offline.has(deviceId)) return;
    const raw = desiredCommand(twin);
    const id = commandIdOf(raw);
    if (id === undefined) return;
    const agent = readAgentState(twin.reported);
    if (agent.commands.includes(id)) return;
    this.accept(deviceId, twin, parseCommand(raw)!, agent);
  }

  private accept(deviceId: string, twin: TwinState, parsed: ParsedCommand, agent: AgentState): void {
    const acceptMs = this.state.now();
    const at = toIso(acceptMs);
    // A new command replaces an install still running: its result is never reported.
    this.running.delete(deviceId);
    const view = this.viewOf(deviceId, twin);
    const commands = withCommand(agent.commands, parsed.ok ? parsed.command.id : parsed.id);
    if (!parsed.ok) {
      const current = view.software[view.mainName] ?? '';
      const error = { code: 'malformed', message: parsed.problem };
      this.report(deviceId, { commandId: parsed.id, state: 'failed', installedVersion: current, software: view.software, healthy: view.healthy, error, at }, { commands, pending: null });
      return;
    }
    const { command } = parsed;
    const target = targetOf(view, command.update.name);
    const pending: PendingRecord = { commandId: command.id, update: target.update, softwareKey: target.softwareKey, version: command.update.version, acceptedAt: at };
    const verify = needsVerification(command);
    const state = verify && command.files.length > 0 ? 'downloading' : 'installing';
    this.report(deviceId, { commandId: command.id, state, installedVersion: target.current, software: view.software, healthy: view.healthy, at }, { commands, pending: pendingJson(pending) });
    const outcome = installOutcome(this.profile, deviceId, twin.tags, command.update.version);
    if (outcome.offline) {
      this.offline.add(deviceId);
      return;
    }
    if (verify) this.deliver(deviceId, command, pending, acceptMs, outcome);
    else this.schedule(deviceId, pending, acceptMs + outcome.installTimeMs, outcome);
  }

  // ---- signed packages --------------------------------------------------------------------------------------------

  private deliver(deviceId: string, command: OtaCommand, pending: PendingRecord, acceptMs: number, outcome: InstallOutcome): void {
    const twin = this.state.requireTwin(deviceId);
    const view = this.viewOf(deviceId, twin);
    const target = { update: pending.update, softwareKey: pending.softwareKey, current: view.software[pending.softwareKey] ?? '' };
    const installed = installedFor(view, readAgentState(twin.reported).releaseCounters, target);
    this.deliveriesInFlight++;
    this.verifier
      .verdict(command, { tags: twin.tags, update: pending.update, installed }, toIso(acceptMs))
      .then((verdict) => this.onVerdict(deviceId, pending, acceptMs, outcome, verdict))
      .catch((err: unknown) => this.log(`virtual devices: ${deviceId} could not act on command ${command.id}: ${err instanceof Error ? err.stack : String(err)}`))
      .finally(() => this.deliveryDone());
  }

  private onVerdict(deviceId: string, pending: PendingRecord, acceptMs: number, outcome: InstallOutcome, verdict: Verdict): void {
    const twin = this.state.twins.get(deviceId);
    const ota = twin?.reported.ota;
    // Replaced by a newer command while downloading, or the device is gone.
    if (!twin || !isObject(ota) || ota.commandId !== pending.commandId || (ota.state !== 'downloading' && ota.state !== 'installing')) return;
    const nowMs = this.state.now();
    const view = this.viewOf(deviceId, twin);
    const base = { commandId: pending.commandId, installedVersion: view.software[pending.softwareKey] ?? '', software: view.software, healthy: view.healthy, at: toIso(nowMs) };
    if (!verdict.ok) {
      // Nothing installed: no install time, no simulated outcome; the device says why at once.
      const error = { code: verdict.code, message: verdict.message };
      this.report(deviceId, { ...base, state: 'failed', error, delivery: { kind: 'refused', bytes: 0 } }, { pending: null });
      return;
    }
    const verified: PendingRecord = { ...pending, releaseCounter: verdict.releaseCounter, delivery: verdict.delivery };
    this.report(deviceId, { ...base, state: 'installing', delivery: verdict.delivery }, { pending: pendingJson(verified) });
    // Never before the report just made, even if the download outlasted the install time.
    this.schedule(deviceId, verified, Math.max(acceptMs + outcome.installTimeMs, nowMs), outcome);
  }

  private deliveryDone(): void {
    if (--this.deliveriesInFlight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ---- finishing ----------------------------------------------------------------------------------------------------

  private schedule(deviceId: string, pending: PendingRecord, finishMs: number, outcome: InstallOutcome): void {
    const { commandId, update, softwareKey, version, acceptedAt, releaseCounter, delivery } = pending;
    // Every field set, in one order, so all running installs share one hidden class.
    const install: RunningInstall = { commandId, update, softwareKey, version, acceptedAt, releaseCounter, delivery, deviceId, finishMs, failed: outcome.failed, unhealthy: outcome.unhealthy };
    this.running.set(deviceId, install);
    this.queue.push(install);
  }

  private finish(install: RunningInstall): void {
    const twin = this.state.twins.get(install.deviceId);
    if (!twin) return;
    const view = this.viewOf(install.deviceId, twin);
    const { commandId, update, softwareKey, version, delivery, releaseCounter } = install;
    const at = toIso(install.finishMs);
    if (install.failed) {
      const error = { code: 'install-failed', message: `installing ${update} ${version} failed (simulated)` };
      const installedVersion = view.software[softwareKey] ?? '';
      this.report(install.deviceId, { commandId, state: 'failed', installedVersion, software: view.software, healthy: view.healthy, error, delivery, at }, { pending: null });
      return;
    }
    const software = { ...view.software, [softwareKey]: version };
    const agent: JsonObject = { pending: null };
    if (releaseCounter !== undefined) {
      agent.releaseCounters = countersJson(withCounter(readAgentState(twin.reported).releaseCounters, { update, version, counter: releaseCounter }));
    }
    this.report(install.deviceId, { commandId, state: 'succeeded', installedVersion: version, software, healthy: !install.unhealthy, delivery, at }, agent);
  }

  // ---- restart ------------------------------------------------------------------------------------------------------

  /**
   * Picks up where a device was when the hub stopped: an install it had accepted finishes at its accept time plus
   * its install time (the outcome is deterministic), a package it was downloading is fetched again, and a command
   * sent meanwhile is acted on (the device reads its twin on reconnect).
   */
  private resume(deviceId: string): void {
    const twin = this.state.twins.get(deviceId);
    if (!twin) return;
    const { pending } = readAgentState(twin.reported);
    const ota = twin.reported.ota;
    if (pending && isObject(ota) && ota.commandId === pending.commandId && (ota.state === 'downloading' || ota.state === 'installing')) {
      const outcome = installOutcome(this.profile, deviceId, twin.tags, pending.version);
      if (outcome.offline) {
        this.offline.add(deviceId);
        return;
      }
      const acceptMs = Date.parse(pending.acceptedAt);
      const raw = desiredCommand(twin);
      const parsed = commandIdOf(raw) === pending.commandId ? parseCommand(raw) : undefined;
      const command = parsed?.ok ? parsed.command : undefined;
      const unverified = ota.state === 'downloading' || (command !== undefined && needsVerification(command) && pending.delivery === undefined);
      if (unverified && command) this.deliver(deviceId, command, pending, acceptMs, outcome);
      else if (unverified) this.onVerdict(deviceId, pending, acceptMs, outcome, { ok: false, code: 'download-failed', message: 'the command is no longer in the desired properties' });
      else this.schedule(deviceId, pending, Math.max(acceptMs + outcome.installTimeMs, typeof ota.at === 'string' ? Date.parse(ota.at) : acceptMs), outcome);
    }
    if (this.state.identities.get(deviceId)?.status === 'enabled') this.actOnDesired(deviceId, twin);
  }

  // ---- helpers --------------------------------------------------------------------------------------------------------

  private methodHandlerFor(deviceId: string): MethodHandler | undefined {
    const identity = this.state.identities.get(deviceId);
    return identity?.virtual && identity.status === 'enabled' && !this.offline.has(deviceId) ? answerVirtualMethod : undefined;
  }

  /** Offline, disabled or removed devices send no health messages. */
  private healthViewOf(deviceId: string): HealthView | undefined {
    const identity = this.state.identities.get(deviceId);
    const twin = this.state.twins.get(deviceId);
    if (!identity?.virtual || identity.status !== 'enabled' || this.offline.has(deviceId) || !twin) return undefined;
    const view = this.viewOf(deviceId, twin);
    return { version: view.software[view.mainName] ?? '', healthy: view.healthy, tags: twin.tags };
  }

  private viewOf(deviceId: string, twin: TwinState): DeviceView {
    return viewOf(twin.reported, groupOf(this.profile, deviceId)?.updateName ?? defaultUpdateName);
  }

  private report(deviceId: string, ota: OtaReport, agent: JsonObject): void {
    this.state.patchReported(deviceId, { ota: otaJson(ota), [agentProperty]: agent });
  }
}

function desiredCommand(twin: TwinState): JsonObject[string] | undefined {
  const ota = twin.desired.ota;
  return isObject(ota) ? ota.command : undefined;
}

/** A restore swaps back to the version the device ran before (its other slot): there is no package to check. */
function needsVerification(command: OtaCommand): boolean {
  return command.kind === 'install' && (command.signedManifest !== undefined || command.files.length > 0);
}
