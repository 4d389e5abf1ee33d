/**
 * FleetPort on Azure IoT Hub, through the service SDK (azure-iothub): twin queries find devices and read their
 * reports, the desired property `ota.command` carries commands (docs/device-twin-contract.md), by per-device patches
 * or by twin-update jobs. Every hub call is paced to a share of the tier's quotas, retried when throttled or failing,
 * and guarded by a circuit breaker (HubCaller). The `at` arguments of the port are ignored: devices report on their
 * own clocks.
 *
 * Pacing and the breaker live in the instance: build one per process. Instances in several processes each take
 * `quotaShare` (the hub's 429s, retried, absorb the excess; or divide the share among them).
 */
import { randomUUID } from 'node:crypto';
import type { JobClient, Registry } from 'azure-iothub';
import type { DeviceDetails, DeviceReport, DeviceSummary } from '../../domain/fleet/device';
import type { Observability } from '../../domain/observability/observability-port';
import { InvalidTargetQueryError, type DesiredVersion, type DeviceFilter, type DeviceTarget, type DispatchHint, type FleetPort, type ReportScope } from '../../domain/fleet/fleet-port';
import { InvalidContinuationTokenError } from '../../domain/rollouts/rollout-store-port';
import type { BreakerState, CircuitBreakerSettings } from './circuit-breaker';
import { systemClock, type Clock } from './clock';
import { HubCaller } from './hub-caller';
import { hubMessage, isDeviceNotFound, statusOf } from './hub-errors';
import { concurrentJobs, quotaPerSecond, type IotHubSku } from './hub-quotas';
import { dispatchJobs } from './job-dispatch';
import { buildCommand, desiredPatch, type UrlFor } from './ota-command';
import { dispatchPatches, type DevicePatch } from './patch-dispatch';
import type { RetryPolicy } from './retry';
import { projectedSummary, summaryColumns, toDetails, toReport, toSummary } from './twin-mapping';
import { desiredCommandIn, desiredCommandIs, idConditions, isQuotable, literal, queryAll, queryPage } from './twin-queries';

export type DispatchMode = 'patches' | 'job';

export interface IotHubFleetOptions {
  /** From createIotHubClients. */
  clients: { registry: Registry; jobs: JobClient };
  sku: IotHubSku;
  units: number;
  /** Share of each quota this app may use; default 0.9 (the rest is left to devices and other callers). */
  quotaShare?: number;
  /** Hub seconds per real second: 1 for Azure (default); a local hub on a faster clock grants more per real second. */
  clockScale?: number;
  /** `patches` (default): per-device twin patches; `job`: twin-update jobs over chunks of devices. */
  dispatch?: DispatchMode;
  /** Read-only, short-lived URL of a package-store path (adapters/blob/package-urls.ts). */
  urlFor: UrlFor;
  /** Twin patches in flight at once; default 16. */
  patchConcurrency?: number;
  /** Most device ids per `deviceId IN [...]` query; default 1000 (one page). Queries also stay within 8 KB of text. */
  devicesPerQuery?: number;
  /** Most devices per twin-update job; default 1000. The job's query condition also stays within 8 KB of text. */
  devicesPerJob?: number;
  /** How often a running job is looked at; default 1 s of hub time (polls count against the job operations quota). */
  jobPollMs?: number;
  /** The hub fails a job that runs longer; default 3600 s. */
  jobMaxExecutionSeconds?: number;
  /** Overrides of the defaults (8 attempts, 200 ms doubling to 15 s). */
  retry?: Partial<RetryPolicy>;
  /** Overrides of the defaults (10 failures and half the calls in 30 s, or 5 in a row; pause 5 s doubling to 5 min). */
  breaker?: Partial<CircuitBreakerSettings>;
  clock?: Clock;
  random?: () => number;
  log?: (message: string) => void;
  /** Operators' telemetry: dispatch rate against the quota, throttled calls, the circuit breaker opening and closing. */
  observability?: Observability;
}

/**
 * A target is a WHERE condition over twins, or a whole `SELECT * FROM devices [WHERE …]` (as IoT Hub's portal shows
 * them). Other projections are refused: a target needs whole twins (tags, reported versions).
 */
export function targetStatement(query: string): string {
  if (!/^\s*select\b/i.test(query)) return `SELECT * FROM devices WHERE ${query}`;
  if (!/^\s*select\s+\*\s+from\s+devices\b(?!\.)/i.test(query)) throw new InvalidTargetQueryError(`Invalid target query: a target selects whole twins (SELECT * FROM devices WHERE …), not '${query.slice(0, 80)}'`);
  return query;
}

/** Columns a report needs: far less than whole twins (whose desired part holds a manifest per device). */
const reportColumns = 'deviceId, properties.reported.ota';

/** ` WHERE …` matching every given filter, or nothing when there is none. */
function filterCondition(filter: DeviceFilter): string {
  const conditions = [
    ...(filter.site !== undefined ? [`tags.site = ${literal(filter.site)}`] : []),
    ...(filter.model !== undefined ? [`tags.model = ${literal(filter.model)}`] : []),
    ...(filter.version !== undefined ? [`properties.reported.ota.installedVersion = ${literal(filter.version)}`] : []),
  ];
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

export class IotHubFleet implements FleetPort {
  private readonly registry: Registry;
  private readonly jobs: JobClient;
  private readonly caller: HubCaller;
  private readonly clock: Clock;
  private readonly settings: Required<Pick<IotHubFleetOptions, 'dispatch' | 'patchConcurrency' | 'devicesPerQuery' | 'devicesPerJob' | 'jobPollMs' | 'jobMaxExecutionSeconds'>>;

  constructor(private readonly options: IotHubFleetOptions) {
    this.registry = options.clients.registry;
    this.jobs = options.clients.jobs;
    this.clock = options.clock ?? systemClock;
    this.settings = {
      dispatch: options.dispatch ?? 'patches',
      patchConcurrency: options.patchConcurrency ?? 16,
      devicesPerQuery: options.devicesPerQuery ?? 1000,
      devicesPerJob: options.devicesPerJob ?? 1000,
      jobPollMs: options.jobPollMs ?? Math.max(20, 1000 / (options.clockScale ?? 1)),
      jobMaxExecutionSeconds: options.jobMaxExecutionSeconds ?? 3600,
    };
    this.caller = new HubCaller({
      pacing: { sku: options.sku, units: options.units, quotaShare: options.quotaShare ?? 0.9, clockScale: options.clockScale ?? 1 },
      clock: this.clock,
      burst: { jobDeviceOperation: this.settings.devicesPerJob },
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.random ? { random: options.random } : {}),
      onBreakerChange: (state: BreakerState, reason: string) => {
        options.log?.(`IoT Hub circuit ${state}: ${reason}`);
        if (state !== 'halfOpen') options.observability?.event(`ota.iothub.circuit-${state}`, { reason, sku: options.sku, units: options.units });
      },
      onThrottled: (operation) => options.observability?.metric('ota.hub.throttled', 1, { operation, sku: options.sku, units: options.units }),
    });
  }

  /** The circuit breaker's state, for health reporting. */
  get breakerState(): BreakerState {
    return this.caller.breaker.state;
  }

  async queryDevices(target: DeviceTarget): Promise<DeviceSummary[]> {
    const rows = 'deviceIds' in target ? await this.rowsOf(target.deviceIds, '*') : await this.targetRows(target.query);
    return rows.map(toSummary).filter((d): d is DeviceSummary => d !== undefined);
  }

  async applyDesired(commands: { deviceId: string; desired: DesiredVersion }[], _at: string, hint: DispatchHint = {}): Promise<{ sent: number; alreadyApplied: number }> {
    // A device listed twice gets its first command once; the repeat counts as already applied.
    const unique = new Map<string, DesiredVersion>();
    for (const { deviceId, desired } of commands) if (!unique.has(deviceId)) unique.set(deviceId, desired);
    let alreadyApplied = commands.length - unique.size;

    const pending: { deviceId: string; desired: DesiredVersion }[] = [];
    for (const [commandId, deviceIds] of groupBy([...unique.keys()], (id) => unique.get(id)!.commandId)) {
      // A batch sent for the first time carries its command nowhere yet: no query (the scarcest quota) to ask. Sending
      // it again after a crash in between is harmless: a device acts on a command id once.
      const carrying = hint.firstSend ? new Set<string>() : await this.devicesCarrying(commandId);
      for (const deviceId of deviceIds) {
        if (carrying.has(deviceId)) alreadyApplied++;
        else pending.push({ deviceId, desired: unique.get(deviceId)! });
      }
    }
    if (pending.length === 0) return { sent: 0, alreadyApplied };

    const patches = await this.patchesFor(pending);
    const started = this.clock.now();
    const sent = this.settings.dispatch === 'job' ? await this.sendByJobs(patches) : await this.sendPatches(patches);
    this.reportRate(sent, this.clock.now() - started, pending[0]!.desired.rolloutId);
    return { sent, alreadyApplied };
  }

  async readReports(deviceIds: readonly string[], _at: string, scope?: ReportScope): Promise<DeviceReport[]> {
    const wanted = new Set(deviceIds);
    if (wanted.size === 0) return [];
    // Scoped: one query per 1000 devices that were sent the command, instead of one per chunk of ids.
    const rows = scope && scope.commandIds.length > 0 ? await this.rowsSentAny(scope.commandIds) : await this.rowsOf([...wanted], reportColumns);
    return rows.map(toReport).filter((r): r is DeviceReport => r !== undefined && wanted.has(r.deviceId));
  }

  async getDevice(deviceId: string): Promise<DeviceDetails | undefined> {
    const twin = await this.readTwin(deviceId);
    return twin === undefined ? undefined : toDetails(twin);
  }

  async listDevices(filter: DeviceFilter, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }> {
    return this.summaryPage(`SELECT * FROM devices${filterCondition(filter)}`, toSummary, page);
  }

  async listDeviceSummaries(filter: DeviceFilter, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }> {
    return this.summaryPage(`SELECT ${summaryColumns} FROM devices${filterCondition(filter)}`, projectedSummary, page);
  }

  private async summaryPage(sql: string, toItem: (row: unknown) => DeviceSummary | undefined, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }> {
    try {
      const { rows, continuationToken } = await queryPage(this.caller, this.registry, sql, page.limit, page.continuationToken);
      return { items: rows.map(toItem).filter((d): d is DeviceSummary => d !== undefined), ...(continuationToken ? { continuationToken } : {}) };
    } catch (err) {
      // The hub answers 400 to a continuation token it did not issue.
      if (statusOf(err) === 400 && page.continuationToken !== undefined) throw new InvalidContinuationTokenError('continuationToken was not issued by this list');
      throw err;
    }
  }

  /** Devices per hub second for one send, next to the quota the app paces that dispatch mode to. */
  private reportRate(sent: number, elapsedMs: number, rolloutId: string): void {
    if (!this.options.observability || sent === 0 || elapsedMs <= 0) return;
    const operation = this.settings.dispatch === 'job' ? 'jobDeviceOperation' : 'twinUpdate';
    const quota = quotaPerSecond(operation, this.options) * (this.options.quotaShare ?? 0.9);
    const rate = sent / ((elapsedMs / 1000) * (this.options.clockScale ?? 1));
    const dimensions = { mode: this.settings.dispatch, sku: this.options.sku, units: this.options.units, quotaPerSecond: quota };
    this.options.observability.metric('ota.dispatch.rate', rate, dimensions, rolloutId);
    this.options.observability.metric('ota.dispatch.quota-used', rate / quota, dimensions, rolloutId);
  }

  // ---- reading ---------------------------------------------------------------------------------------------------

  private async targetRows(query: string): Promise<unknown[]> {
    if (!query.trim()) throw new InvalidTargetQueryError('Invalid target query: it is empty');
    try {
      return await queryAll(this.caller, this.registry, targetStatement(query));
    } catch (err) {
      if (statusOf(err) === 400) throw new InvalidTargetQueryError(`Invalid target query: ${hubMessage(err)}`);
      throw err;
    }
  }

  /** Rows for the given devices: `deviceId IN [...]` queries, and a twin read for an id no query can name. */
  private async rowsOf(deviceIds: readonly string[], columns: string): Promise<unknown[]> {
    const ids = [...new Set(deviceIds)];
    const rows: unknown[] = [];
    const statement = (condition: string) => `SELECT ${columns} FROM devices WHERE ${condition}`;
    for (const { condition } of idConditions(ids.filter(isQuotable), this.settings.devicesPerQuery, statement)) {
      rows.push(...(await queryAll(this.caller, this.registry, statement(condition))));
    }
    for (const deviceId of ids.filter((id) => !isQuotable(id))) {
      const twin = await this.readTwin(deviceId);
      if (twin !== undefined) rows.push(twin);
    }
    return rows;
  }

  private async readTwin(deviceId: string): Promise<unknown> {
    try {
      return (await this.caller.call('twinRead', () => this.registry.getTwin(deviceId))).responseBody;
    } catch (err) {
      if (isDeviceNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Devices whose desired command is already `commandId`: one query per page of them. */
  /** Report rows of every device whose desired command is one of `commandIds`: whole waves in a page per 1000 devices. */
  private async rowsSentAny(commandIds: readonly string[]): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (const condition of desiredCommandIn(commandIds)) {
      rows.push(...(await queryAll(this.caller, this.registry, `SELECT ${reportColumns} FROM devices WHERE ${condition}`)));
    }
    return rows;
  }

  private async devicesCarrying(commandId: string): Promise<Set<string>> {
    const rows = await queryAll(this.caller, this.registry, `SELECT deviceId FROM devices WHERE ${desiredCommandIs(commandId)}`);
    return new Set(rows.map((row) => (row as { deviceId?: unknown }).deviceId).filter((id): id is string => typeof id === 'string'));
  }

  // ---- dispatching -----------------------------------------------------------------------------------------------

  /** Desired patches per device; a command (and its SAS URLs) is built once however many devices share it. */
  private async patchesFor(pending: readonly { deviceId: string; desired: DesiredVersion }[]): Promise<(DevicePatch & { commandId: string; key: string })[]> {
    const urls = new Map<string, Promise<string>>();
    const urlFor = (path: string) => {
      let url = urls.get(path);
      if (!url) urls.set(path, (url = this.options.urlFor(path)));
      return url;
    };
    const built = new Map<string, Promise<Record<string, unknown>>>();
    return Promise.all(
      pending.map(async ({ deviceId, desired }) => {
        const key = JSON.stringify(desired);
        let patch = built.get(key);
        if (!patch) built.set(key, (patch = buildCommand(desired, urlFor).then(desiredPatch)));
        return { deviceId, desired: await patch, commandId: desired.commandId, key };
      }),
    );
  }

  private async sendPatches(patches: readonly DevicePatch[]): Promise<number> {
    return (await dispatchPatches(patches, { caller: this.caller, registry: this.registry, concurrency: this.settings.patchConcurrency })).sent;
  }

  /** One job per chunk of devices sharing a command; ids no query can name get patches. */
  private async sendByJobs(patches: readonly (DevicePatch & { commandId: string; key: string })[]): Promise<number> {
    const groups = [...groupBy(patches.filter((p) => isQuotable(p.deviceId)), (p) => p.key).values()].map((group) => ({
      commandId: group[0]!.commandId,
      desired: group[0]!.desired,
      deviceIds: group.map((p) => p.deviceId),
    }));
    const { sent } = await dispatchJobs(groups, {
      caller: this.caller,
      registry: this.registry,
      jobs: this.jobs,
      clock: this.clock,
      concurrentJobs: concurrentJobs({ sku: this.options.sku, units: this.options.units }),
      devicesPerJob: this.settings.devicesPerJob,
      pollMs: this.settings.jobPollMs,
      hubDevicesPerSecond: quotaPerSecond('jobDeviceOperation', this.options) * (this.options.clockScale ?? 1),
      maxExecutionSeconds: this.settings.jobMaxExecutionSeconds,
      patchConcurrency: this.settings.patchConcurrency,
      // IoT Hub job ids are at most 64 characters: a readable part of the command id and a unique suffix.
      newJobId: (commandId) => `ota-${commandId.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 50)}-${randomUUID().slice(0, 8)}`,
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    return sent + (await this.sendPatches(patches.filter((p) => !isQuotable(p.deviceId))));
  }
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
