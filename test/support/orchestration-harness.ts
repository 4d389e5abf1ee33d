/**
 * Runs the real rollout orchestrations in-process on the devhost's durable engine (real durable-functions SDK,
 * real replay) with a virtual clock that moves only when a test moves it, and activities as plain functions over
 * a scripted fleet. `recordProgress` is the real activity over an in-memory store, so the record, its reason
 * codes and the audit steps are the ones the service would write. No stack, no ports: a test takes milliseconds.
 */
import * as df from 'durable-functions';
import { HostClock } from '../../devhost/durable/clock';
import { DurableEngine } from '../../devhost/durable/engine';
import { EventType } from '../../devhost/durable/history';
import type { Instance } from '../../devhost/durable/model';
import { TaskHubStore } from '../../devhost/durable/task-hub-store';
import { createRolloutActivities } from '../../activities/rollout-activities';
import type { LifecycleStep } from '../../activities/lifecycle';
import { emptyCounts, type DeviceStateCounts, type RolloutRecord } from '../../domain/rollouts/rollout-record';
import {
  activityRetry, eventNames, orchestratorNames, waveInstanceId,
  type ActivityInput, type ActivityName, type ActivityOutput, type ApprovalEvent, type ControlEvent, type PlannedWaveRef, type ProgressUpdate, type RolloutPolicy,
} from '../../orchestrations/contracts';
import { rolloutOrchestrator } from '../../orchestrations/rollout-orchestrator';
import { waveOrchestrator } from '../../orchestrations/wave-orchestrator';
import { rollbackOrchestrator } from '../../orchestrations/rollback-orchestrator';
import { InMemoryRolloutStore, InMemoryUpdateStore } from './in-memory-stores';
import { InMemoryFleet } from './in-memory-fleet';

// The Functions programming model registers through `@azure/functions-core`, which the worker (here: the devhost) provides.
jest.mock('@azure/functions-core', () => jest.requireActual('../../devhost/functions-core'), { virtual: true });

export const minute = 60_000;
export const hour = 60 * minute;

/** Time moves only when the harness advances it. */
export class VirtualClock extends HostClock {
  #nowMs: number;

  constructor(start: Date) {
    super();
    this.#nowMs = start.getTime();
  }

  override nowMs(): number {
    return this.#nowMs;
  }

  override get offsetMs(): number {
    return 0;
  }

  override advance(ms: number): void {
    if (ms > 0) this.#nowMs += ms;
  }

  /** Due timers fire at once; later ones only when the harness advances the clock to them. */
  override realDelayUntil(at: number): number {
    return at <= this.#nowMs ? 0 : 2 ** 31 - 1;
  }
}

type ActivityImpl<K extends ActivityName> = (input: ActivityInput<K>) => ActivityOutput<K> | Promise<ActivityOutput<K>>;
export type ActivityOverrides = { [K in ActivityName]?: ActivityImpl<K> };

export interface ScenarioOptions {
  rolloutId?: string;
  policy?: Partial<RolloutPolicy>;
  /** Devices of the canary and of each wave after it (one batch each). */
  waveSizes?: number[];
  soakMs?: number;
  /** A wave's device counts at a health check; every device succeeded by default. */
  counts?: (wave: number, at: string) => DeviceStateCounts;
  /** Activities replaced for the test (e.g. one that keeps failing). */
  activities?: ActivityOverrides;
}

export const t0 = new Date('2026-03-02T08:00:00.000Z');

/** A fake world for one rollout: its policy, plan and devices, and what the orchestrations did to it. */
class Scenario {
  readonly rolloutId: string;
  readonly policy: RolloutPolicy;
  readonly plan: { targetedCount: number; waves: PlannedWaveRef[] };
  readonly rollouts = new InMemoryRolloutStore();
  readonly audit: LifecycleStep[] = [];
  readonly progress: ProgressUpdate[] = [];
  readonly calls: { name: ActivityName; input: unknown; at: string }[] = [];
  readonly #counts: (wave: number, at: string) => DeviceStateCounts;
  readonly #overrides: ActivityOverrides;
  readonly #real: ReturnType<typeof createRolloutActivities>;

  constructor(options: ScenarioOptions) {
    this.rolloutId = options.rolloutId ?? 'ro-1';
    this.policy = {
      updateName: 'line-controller', targetVersion: '2.0.0', createdBy: 'ops@contoso.com',
      healthCheckIntervalMs: 10 * minute, deviceTimeoutMs: 30 * minute, failureThreshold: { percent: 10, minDevices: 2 },
      ...options.policy,
    };
    const sizes = options.waveSizes ?? [2, 4, 6];
    const soakMs = options.soakMs ?? hour;
    const waves = sizes.map((size, index): PlannedWaveRef => ({
      index, kind: index === 0 ? 'canary' : 'wave', deviceCount: size, soakMs,
      batches: [{ id: `${this.rolloutId}:w${index}:b0`, site: undefined, deviceCount: size }],
    }));
    this.plan = { targetedCount: sizes.reduce((a, b) => a + b, 0), waves };
    this.#counts = options.counts ?? ((wave) => ({ ...emptyCounts(), succeeded: sizes[wave] ?? 0 }));
    this.#overrides = options.activities ?? {};
    this.#real = createRolloutActivities({
      rollouts: this.rollouts, updates: new InMemoryUpdateStore(), fleet: new InMemoryFleet([]),
      lifecycle: async (step) => { this.audit.push(step); },
    });
  }

  async createRecord(at: Date): Promise<void> {
    const record: RolloutRecord = {
      id: this.rolloutId, status: this.policy.approval ? 'PendingApproval' : 'Scheduled', reason: 'created', createdBy: this.policy.createdBy,
      createdAt: at.toISOString(), updatedAt: at.toISOString(), currentWave: -1, waves: [], approvals: [], targetedCount: 0,
      spec: {
        updateId: { provider: 'contoso', name: this.policy.updateName, version: this.policy.targetVersion }, target: { query: 'SELECT * FROM devices' },
        canary: { devices: 2 }, canarySoakMs: hour, waves: [{ percent: 100, soakMs: hour }], healthCheckIntervalMs: this.policy.healthCheckIntervalMs,
        deviceTimeoutMs: this.policy.deviceTimeoutMs, failureThreshold: this.policy.failureThreshold,
      },
    };
    await this.rollouts.create(record);
  }

  async record(): Promise<RolloutRecord> {
    const record = await this.rollouts.get(this.rolloutId);
    if (!record) throw new Error(`no record of ${this.rolloutId}`);
    return record;
  }

  /** Runs activity `name` as the service would, unless the test replaced it. */
  async run<K extends ActivityName>(name: K, input: ActivityInput<K>, at: string, engine: DurableEngine): Promise<ActivityOutput<K>> {
    this.calls.push({ name, input, at });
    const override = this.#overrides[name];
    if (override) return override(input);
    return this.#default(name, input, engine);
  }

  // One switch over the contract: each case returns that activity's output type.
  async #default<K extends ActivityName>(name: K, input: ActivityInput<K>, engine: DurableEngine): Promise<ActivityOutput<K>> {
    const impl: { [N in ActivityName]: ActivityImpl<N> } = {
      loadRolloutPolicy: () => this.policy,
      recordProgress: async (update) => {
        this.progress.push(update);
        return this.#real.recordProgress(update);
      },
      planRollout: async ({ at }) => {
        await this.rollouts.update(this.rolloutId, (r) => ({
          ...r, targetedCount: this.plan.targetedCount, updatedAt: at,
          waves: this.plan.waves.map((w) => ({ ...w, status: 'NotStarted', counts: { ...emptyCounts(), pending: w.deviceCount } })),
        }));
        return this.plan;
      },
      dispatchBatch: ({ batchId }) => ({ sent: this.#batch(batchId).deviceCount, alreadyApplied: 0 }),
      assessWave: ({ wave, at }) => this.#counts(wave, at),
      analyzeWave: () => null,
      restoreBatch: ({ batchId }) => ({ sent: this.#batch(batchId).deviceCount, alreadyApplied: 0 }),
      verifyRestore: ({ waves }) => ({ restored: this.plan.waves.filter((w) => waves.includes(w.index)).reduce((n, w) => n + w.deviceCount, 0), pending: 0 }),
      forwardControl: ({ instanceId, event }) => {
        const status = engine.store.instances.get(instanceId)?.status;
        if (status !== 'Running' && status !== 'Pending') return { delivered: false };
        engine.send(instanceId, EventType.EventRaised, { Name: eventNames.control, Input: JSON.stringify(event) });
        return { delivered: true };
      },
      startRollouts: () => null,
      sendApprovalCards: () => ({ cards: 1 }),
      rolloutStatuses: ({ rolloutIds }) => rolloutIds.map((id) => ({ id, status: 'Completed', reason: 'done' })),
    };
    return (impl[name] as ActivityImpl<K>)(input);
  }

  #batch(batchId: string): { deviceCount: number } {
    const batch = this.plan.waves.flatMap((w) => w.batches).find((b) => b.id === batchId);
    if (!batch) throw new Error(`Batch ${batchId} does not exist.`);
    return batch;
  }
}

let current: { scenario: Scenario; engine: DurableEngine; clock: VirtualClock } | undefined;
let registered = false;

/** Registers the real orchestrators, and every activity of the contract as a call into the current scenario. */
function register(): void {
  if (registered) return;
  registered = true;
  df.app.orchestration(orchestratorNames.rollout, rolloutOrchestrator);
  df.app.orchestration(orchestratorNames.wave, waveOrchestrator);
  df.app.orchestration(orchestratorNames.rollback, rollbackOrchestrator);
  for (const name of Object.keys(activityRetry) as ActivityName[]) {
    df.app.activity(name, {
      handler: (input: ActivityInput<typeof name>) => {
        if (!current) throw new Error('no scenario is running');
        return current.scenario.run(name, input, current.clock.now().toISOString(), current.engine);
      },
    });
  }
}

export interface RolloutRun {
  scenario: Scenario;
  clock: VirtualClock;
  engine: DurableEngine;
  /** The stored rollout record. */
  record(): Promise<RolloutRecord>;
  /** Raises an event on the rollout's instance (as the API does). */
  approve(event: ApprovalEvent): Promise<void>;
  control(event: ControlEvent): Promise<void>;
  /** Runs everything runnable now, without moving the clock. */
  settle(): Promise<void>;
  /** Moves the clock by `ms`, firing each timer at its own time. */
  advance(ms: number): Promise<void>;
  /** Fires timers in order until `done` holds; fails past `withinMs` of virtual time. */
  runUntil(done: () => boolean | Promise<boolean>, withinMs?: number): Promise<void>;
  /** Runs until the rollout's instance finishes; returns it. */
  runToEnd(withinMs?: number): Promise<Instance>;
  instance(id?: string): Instance | undefined;
  stop(): void;
}

/** Starts a rollout orchestration over a fresh engine and scenario. Call `stop()` in afterEach. */
export async function startRollout(options: ScenarioOptions = {}): Promise<RolloutRun> {
  register();
  const clock = new VirtualClock(t0);
  // The host logs what fails inside it (not an activity or orchestrator failing, which is history): a test must see it.
  const hostErrors: string[] = [];
  const engine = new DurableEngine(TaskHubStore.open(undefined), clock, {
    maxConcurrentActivities: 8, autoSkip: false,
    log: (level, message) => { if (level === 'error') hostErrors.push(message); },
  });
  const scenario = new Scenario(options);
  current = { scenario, engine, clock };
  await scenario.createRecord(clock.now());
  engine.start();
  engine.startNew(orchestratorNames.rollout, scenario.rolloutId, { rolloutId: scenario.rolloutId });

  const raise = (name: string, payload: unknown) => {
    engine.send(scenario.rolloutId, EventType.EventRaised, { Name: name, Input: JSON.stringify(payload) });
    return settle();
  };
  const dueTimer = () => [...engine.store.timers.values()].some((t) => Date.parse(t.fireAt) <= clock.nowMs());
  const nextTimerAt = () => Math.min(...[...engine.store.timers.values()].map((t) => Date.parse(t.fireAt)));
  async function settle(): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 100_000; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (hostErrors.length > 0) throw new Error(`the durable host failed: ${hostErrors.join('; ')}`);
      quiet = engine.isIdle && !dueTimer() ? quiet + 1 : 0;
      if (quiet >= 3) return;
    }
    throw new Error('the engine did not settle');
  }
  async function advance(ms: number): Promise<void> {
    const target = clock.nowMs() + ms;
    await settle();
    while (nextTimerAt() <= target) {
      engine.advanceClock(nextTimerAt() - clock.nowMs());
      await settle();
    }
    engine.advanceClock(target - clock.nowMs());
    await settle();
  }
  async function runUntil(done: () => boolean | Promise<boolean>, withinMs = 30 * 24 * hour): Promise<void> {
    const deadline = clock.nowMs() + withinMs;
    await settle();
    while (!(await done())) {
      const next = nextTimerAt();
      if (!Number.isFinite(next) || next > deadline) {
        const record = await scenario.record();
        throw new Error(`not done by ${new Date(deadline).toISOString()}: rollout ${record.status} (${record.reasonCode}: ${record.reason}), instance ${engine.store.instances.get(scenario.rolloutId)?.status}`);
      }
      engine.advanceClock(next - clock.nowMs());
      await settle();
    }
  }
  const instance = (id = scenario.rolloutId) => engine.store.instances.get(id);
  const finished = () => ['Completed', 'Failed', 'Terminated'].includes(instance()?.status ?? '');
  return {
    scenario, clock, engine, settle, advance, runUntil, instance,
    record: () => scenario.record(),
    approve: (event) => raise(eventNames.approval, event),
    control: (event) => raise(eventNames.control, event),
    async runToEnd(withinMs) {
      await runUntil(finished, withinMs);
      return instance()!;
    },
    stop() {
      engine.stop();
      current = undefined;
    },
  };
}

export { waveInstanceId };
