/**
 * IoT Hub jobs (`/jobs/v2`): a twin update (`scheduleUpdateTwin`) or a direct method (`scheduleDeviceMethod`) for
 * every device matching a WHERE clause, evaluated when the job starts (`startTime`, null = now).
 *
 * As in IoT Hub: jobs move queued/scheduled → running → completed | failed | cancelled; devices are worked through
 * at the tier's *jobs device operations* rate, counted on the hub clock and shared by all running jobs; at most the
 * tier's concurrent jobs may be unfinished (more → 429 ThrottlingException); a job still running after
 * `maxExecutionTimeInSeconds` fails. Per-device records (pending, running, completed, failed, canceled) answer
 * `FROM devices.jobs` queries. Finished jobs are kept while bounded (count and device records), oldest dropped first.
 *
 * Changes are published as JobChange records (header, device list, progress) for the journal; `apply` replays them.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { compileCondition, QuerySyntaxError } from './query';
import { HubError, isObject, type HubState, type Json, type JsonObject } from './hub-state';
import type { HubQuotas } from './quotas';
import { invokeDirectMethod, methodParamsOf, type MethodParams } from './rest/direct-method';
import { applyServicePatch, checkPatch, servicePatchOf, type ServicePatch } from './rest/twin-limits';
import { neverIso, toIso, twinRow } from './twin-json';

export type JobType = 'scheduleUpdateTwin' | 'scheduleDeviceMethod';
export type JobStatus = 'queued' | 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';

const deviceStatuses = ['pending', 'running', 'completed', 'failed', 'canceled'] as const;
const PENDING = 0;
const RUNNING = 1;
const COMPLETED = 2;
const FAILED = 3;
const CANCELED = 4;

/** What defines a job and where it stands; persisted on every status change. */
export interface JobHeader {
  jobId: string;
  type: JobType;
  queryCondition: string;
  updateTwin?: JsonObject;
  cloudToDeviceMethod?: MethodParams;
  createdMs: number;
  startMs: number;
  maxExecutionTimeInSeconds: number;
  status: JobStatus;
  startedMs?: number;
  endMs?: number;
  failureReason?: string;
}

/** [device index, status (index into deviceStatuses), hub ms, outcome or error] */
export type DeviceUpdate = [number, number, number, Json?];

export type JobChange =
  | { kind: 'job'; job: JobHeader }
  | { kind: 'devices'; jobId: string; deviceIds: string[] }
  | { kind: 'progress'; jobId: string; updates: DeviceUpdate[] }
  | { kind: 'removed'; jobId: string };

const terminal = (status: JobStatus) => status === 'completed' || status === 'failed' || status === 'cancelled';

class Job {
  deviceIds: string[] = [];
  status = new Uint8Array(0);
  updatedMs = new Float64Array(0);
  /** Method outcomes and device errors, by device index. */
  readonly details = new Map<number, Json>();
  readonly counts = [0, 0, 0, 0, 0];
  /** Devices before this index have been started. */
  next = 0;
  inFlight = 0;
  patch: ServicePatch | undefined;

  constructor(public header: JobHeader) {
    this.patch = header.updateTwin ? servicePatchOf(header.updateTwin) : undefined;
  }

  setDevices(deviceIds: string[]): void {
    this.deviceIds = deviceIds;
    this.status = new Uint8Array(deviceIds.length);
    this.updatedMs = new Float64Array(deviceIds.length);
    this.counts.fill(0);
    this.counts[PENDING] = deviceIds.length;
  }

  set(index: number, code: number, ms: number, detail?: Json): void {
    this.counts[this.status[index]!]!--;
    this.counts[code]!++;
    this.status[index] = code;
    this.updatedMs[index] = ms;
    if (detail !== undefined) this.details.set(index, detail);
  }
}

export interface HubJobsOptions {
  state: HubState;
  quotas: HubQuotas;
  log?: (line: string) => void;
  /** Finished jobs kept (default 100) and device records kept over all jobs (default 1,000,000). */
  maxFinishedJobs?: number;
  maxDeviceRecords?: number;
}

const tickMs = 25;
/**
 * Device operations per tick are bounded in number and time, so a burst (a high rate, a skipped clock) never blocks
 * the event loop for long: a twin update costs tens of µs with the virtual device's reaction and the journal.
 */
const maxOperationsPerTick = 2000;
const tickBudgetMs = 15;
const defaultMaxExecutionSeconds = 3600;

export class HubJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<(change: JobChange) => void>();
  private readonly progress = new Map<Job, DeviceUpdate[]>();
  /** Jobs whose devices are being selected. */
  private readonly selecting = new Set<Job>();
  private timer: NodeJS.Timeout | undefined;
  private credit = 0;
  private creditMs: number | undefined;
  private working = false;
  private operations = 0;
  private readonly state: HubState;
  private readonly quotas: HubQuotas;
  private readonly log: (line: string) => void;

  constructor(private readonly options: HubJobsOptions) {
    this.state = options.state;
    this.quotas = options.quotas;
    this.log = options.log ?? (() => undefined);
  }

  onChange(listener: (change: JobChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- service API ------------------------------------------------------------------------------------------------

  /** PUT /jobs/v2/{jobId}; 400 for a malformed job, 409 when the id is taken, 429 over the concurrent-jobs limit. */
  create(jobId: string, body: unknown): JsonObject {
    const header = this.parse(jobId, body);
    if (this.jobs.has(jobId)) throw new HubError(409, 'JobAlreadyExists', `A job with id ${jobId} already exists`);
    const unfinished = [...this.jobs.values()].filter((job) => !terminal(job.header.status)).length;
    if (unfinished >= this.quotas.concurrentJobs) {
      throw new HubError(429, 'ThrottlingException', `${unfinished} jobs are unfinished: an ${this.quotas.sku} hub runs at most ${this.quotas.concurrentJobs} at once`);
    }
    const job = new Job(header);
    this.jobs.set(jobId, job);
    this.emit({ kind: 'job', job: header });
    return this.json(job);
  }

  get(jobId: string): JsonObject {
    return this.json(this.require(jobId));
  }

  cancel(jobId: string): JsonObject {
    const job = this.require(jobId);
    if (!terminal(job.header.status)) this.end(job, 'cancelled', this.state.now());
    return this.json(job);
  }

  /** GET /jobs/v2/query: newest first. */
  list(filter: { type?: string; status?: string }): JsonObject[] {
    return [...this.jobs.values()]
      .filter((job) => (!filter.type || job.header.type === filter.type) && (!filter.status || job.header.status === filter.status))
      .sort((a, b) => b.header.createdMs - a.header.createdMs)
      .map((job) => this.json(job));
  }

  /** The per-device records `FROM devices.jobs` queries, made as they are read. */
  *deviceJobRows(): Generator<JsonObject> {
    for (const job of this.jobs.values()) {
      const { header } = job;
      const started = header.startedMs ?? header.startMs;
      for (let i = 0; i < job.deviceIds.length; i++) {
        const code = job.status[i]!;
        const updated = job.updatedMs[i] || started;
        const detail = job.details.get(i);
        yield aliasedAsDevicesJobs({
          deviceId: job.deviceIds[i]!,
          jobId: header.jobId,
          jobType: header.type,
          status: deviceStatuses[code]!,
          startTimeUtc: toIso(started),
          endTimeUtc: code >= COMPLETED ? toIso(updated) : neverIso,
          createdDateTimeUtc: toIso(header.createdMs),
          lastUpdatedDateTimeUtc: toIso(updated),
          ...(detail !== undefined ? (code === FAILED ? { error: detail } : { outcome: detail }) : {}),
        });
      }
    }
  }

  stats(): { jobs: Record<JobStatus, number>; deviceOperations: number } {
    const jobs: Record<JobStatus, number> = { queued: 0, scheduled: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const job of this.jobs.values()) jobs[job.header.status]++;
    return { jobs, deviceOperations: this.operations };
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flushProgress();
  }

  // ---- persistence --------------------------------------------------------------------------------------------------

  /** Replays a journal record (no change events). */
  apply(change: JobChange): void {
    if (change.kind === 'job') {
      const job = this.jobs.get(change.job.jobId);
      if (job) job.header = change.job;
      else this.jobs.set(change.job.jobId, new Job(change.job));
      if (change.job.status === 'cancelled') this.cancelPending(this.jobs.get(change.job.jobId)!, change.job.endMs ?? 0, false);
      return;
    }
    const job = this.jobs.get(change.jobId);
    if (!job) return;
    if (change.kind === 'removed') this.jobs.delete(change.jobId);
    else if (change.kind === 'devices') job.setDevices(change.deviceIds);
    else for (const [index, code, ms, detail] of change.updates) if (index < job.deviceIds.length) job.set(index, code, ms, detail);
  }

  /** After replay: resume where each job was; method calls in flight when the hub stopped count as failed. */
  resume(): void {
    const now = this.state.now();
    for (const job of this.jobs.values()) {
      let next = 0;
      for (let i = job.deviceIds.length - 1; i >= 0; i--) {
        if (job.status[i] !== PENDING && job.status[i] !== CANCELED) {
          next = i + 1;
          break;
        }
      }
      job.next = next;
      for (let i = 0; i < next; i++) {
        if (job.status[i] === RUNNING) this.record(job, i, FAILED, now, { code: 'JobRunPreempted', description: 'The hub stopped while the method call was in flight.' });
      }
    }
    this.flushProgress();
  }

  /** Records that rebuild every job (for a snapshot). */
  *snapshot(): Generator<JobChange> {
    for (const job of this.jobs.values()) {
      yield { kind: 'job', job: job.header };
      if (job.deviceIds.length) yield { kind: 'devices', jobId: job.header.jobId, deviceIds: job.deviceIds };
      let updates: DeviceUpdate[] = [];
      for (let i = 0; i < job.deviceIds.length; i++) {
        const code = job.status[i]!;
        if (code === PENDING || (code === CANCELED && job.header.status === 'cancelled')) continue;
        const detail = job.details.get(i);
        updates.push(detail === undefined ? [i, code, job.updatedMs[i]!] : [i, code, job.updatedMs[i]!, detail]);
        if (updates.length === 10_000) {
          yield { kind: 'progress', jobId: job.header.jobId, updates };
          updates = [];
        }
      }
      if (updates.length) yield { kind: 'progress', jobId: job.header.jobId, updates };
    }
  }

  // ---- running --------------------------------------------------------------------------------------------------------

  /** One step on the hub clock: start due jobs, work devices at the tier's rate, finish and time out jobs. */
  tick(): void {
    const now = this.state.now();
    for (const job of this.jobs.values()) {
      const due = (job.header.status === 'queued' || job.header.status === 'scheduled') && job.header.startMs <= now;
      if (due && !this.selecting.has(job)) this.begin(job, now);
    }
    const active = [...this.jobs.values()].filter((job) => job.header.status === 'running' && job.next < job.deviceIds.length);
    const remaining = active.reduce((sum, job) => sum + job.deviceIds.length - job.next, 0);
    // Credit accrues only while devices wait; work arriving after a pause may start one device at once.
    if (active.length === 0) this.credit = 0;
    else if (!this.working) this.credit = 1;
    else this.credit = Math.min(remaining, this.credit + (Math.max(0, now - (this.creditMs ?? now)) / 1000) * this.quotas.rate('jobDeviceOperations'));
    this.working = active.length > 0;
    this.creditMs = now;
    let budget = Math.min(Math.floor(this.credit), maxOperationsPerTick);
    const deadline = performance.now() + tickBudgetMs;
    // Round robin: running jobs share the hub's rate.
    while (budget > 0 && active.length && performance.now() < deadline) {
      for (let j = 0; j < active.length && budget > 0; j++) {
        const job = active[j]!;
        this.operate(job, job.next++, now);
        budget--;
        this.credit--;
        if (job.next >= job.deviceIds.length) active.splice(j--, 1);
      }
    }
    for (const job of this.jobs.values()) {
      if (job.header.status !== 'running') continue;
      if (job.next >= job.deviceIds.length && job.inFlight === 0) this.end(job, 'completed', now);
      else if (now - (job.header.startedMs ?? now) > job.header.maxExecutionTimeInSeconds * 1000 && this.credit < job.deviceIds.length - job.next) {
        this.end(job, 'failed', now, `The job did not finish within its maxExecutionTimeInSeconds (${job.header.maxExecutionTimeInSeconds} s)`);
      }
    }
    this.flushProgress();
  }

  /** Selects the job's devices (in slices: 100,000 twins take tens of ms), then sets it running. */
  private begin(job: Job, now: number): void {
    this.selecting.add(job);
    this.selectDevices(job.header.queryCondition).then(
      (deviceIds) => {
        this.selecting.delete(job);
        // Cancelled (or dropped) while its devices were being selected.
        if (this.jobs.get(job.header.jobId) !== job || terminal(job.header.status)) return;
        this.run(job, deviceIds, now);
      },
      (error: unknown) => {
        this.selecting.delete(job);
        this.end(job, 'failed', this.state.now(), `Selecting the devices failed: ${(error as Error).message}`);
      },
    );
  }

  private async selectDevices(condition: string): Promise<string[]> {
    this.state.settle();
    const matches = compileCondition(condition);
    const deviceIds: string[] = [];
    let scanned = 0;
    for (const twin of this.state.twins.values()) {
      if (matches(twinRow(twin, this.state.identities.get(twin.deviceId), this.state))) deviceIds.push(twin.deviceId);
      if (++scanned % 10_000 === 0) await yieldToEventLoop();
    }
    return deviceIds;
  }

  private run(job: Job, deviceIds: string[], now: number): void {
    job.header = { ...job.header, status: 'running', startedMs: now };
    job.setDevices(deviceIds);
    job.next = 0;
    this.emit({ kind: 'job', job: job.header });
    this.emit({ kind: 'devices', jobId: job.header.jobId, deviceIds });
    this.log(`job ${job.header.jobId} (${job.header.type}) started on ${deviceIds.length} devices`);
  }

  private operate(job: Job, index: number, now: number): void {
    this.operations++;
    this.quotas.count('jobDeviceOperations', 1);
    const deviceId = job.deviceIds[index]!;
    if (job.patch) {
      try {
        applyServicePatch(this.state, deviceId, job.patch);
        this.record(job, index, COMPLETED, now);
      } catch (error) {
        this.record(job, index, FAILED, now, errorDetail(error));
      }
      return;
    }
    const params = job.header.cloudToDeviceMethod!;
    this.record(job, index, RUNNING, now);
    job.inFlight++;
    invokeDirectMethod(this.state, deviceId, params).then(
      (response) => this.record(job, index, COMPLETED, this.state.now(), { deviceMethodResponse: response }),
      (error: unknown) => this.record(job, index, FAILED, this.state.now(), errorDetail(error)),
    ).finally(() => {
      job.inFlight--;
    });
  }

  private end(job: Job, status: 'completed' | 'failed' | 'cancelled', now: number, failureReason?: string): void {
    this.flushProgress();
    job.header = { ...job.header, status, endMs: now, ...(failureReason ? { failureReason } : {}) };
    if (status === 'cancelled') this.cancelPending(job, now, false);
    this.emit({ kind: 'job', job: job.header });
    this.log(`job ${job.header.jobId} ${status}: ${job.counts[COMPLETED]} succeeded, ${job.counts[FAILED]} failed of ${job.deviceIds.length}`);
    this.evict();
  }

  private cancelPending(job: Job, now: number, record: boolean): void {
    for (let i = job.next; i < job.deviceIds.length; i++) {
      if (job.status[i] !== PENDING) continue;
      if (record) this.record(job, i, CANCELED, now);
      else job.set(i, CANCELED, now);
    }
  }

  private record(job: Job, index: number, code: number, ms: number, detail?: Json): void {
    job.set(index, code, ms, detail);
    const updates = this.progress.get(job) ?? [];
    if (!this.progress.has(job)) this.progress.set(job, updates);
    updates.push(detail === undefined ? [index, code, ms] : [index, code, ms, detail]);
    // Results that arrive between ticks (method answers) are published on the next tick, with the others.
  }

  private flushProgress(): void {
    for (const [job, updates] of this.progress) {
      if (this.jobs.get(job.header.jobId) === job) this.emit({ kind: 'progress', jobId: job.header.jobId, updates });
    }
    this.progress.clear();
  }

  /** Drops the oldest finished jobs beyond the bounds. */
  private evict(): void {
    const maxJobs = this.options.maxFinishedJobs ?? 100;
    const maxRecords = this.options.maxDeviceRecords ?? 1_000_000;
    const finished = [...this.jobs.values()].filter((job) => terminal(job.header.status)).sort((a, b) => (a.header.endMs ?? 0) - (b.header.endMs ?? 0));
    let records = [...this.jobs.values()].reduce((sum, job) => sum + job.deviceIds.length, 0);
    while (finished.length && (finished.length > maxJobs || records > maxRecords)) {
      const job = finished.shift()!;
      records -= job.deviceIds.length;
      this.jobs.delete(job.header.jobId);
      this.emit({ kind: 'removed', jobId: job.header.jobId });
    }
  }

  private require(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new HubError(404, 'JobNotFound', `Job ${jobId} does not exist`);
    return job;
  }

  private emit(change: JobChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private json(job: Job): JsonObject {
    const h = job.header;
    return {
      jobId: h.jobId,
      queryCondition: h.queryCondition,
      createdTime: toIso(h.createdMs),
      startTime: toIso(h.startedMs ?? h.startMs),
      ...(h.endMs !== undefined ? { endTime: toIso(h.endMs) } : {}),
      maxExecutionTimeInSeconds: h.maxExecutionTimeInSeconds,
      type: h.type,
      status: h.status,
      ...(h.failureReason ? { failureReason: h.failureReason } : {}),
      ...(h.updateTwin ? { updateTwin: h.updateTwin } : {}),
      ...(h.cloudToDeviceMethod ? { cloudToDeviceMethod: { ...h.cloudToDeviceMethod } } : {}),
      deviceJobStatistics: {
        deviceCount: job.deviceIds.length,
        failedCount: job.counts[FAILED]!,
        succeededCount: job.counts[COMPLETED]!,
        runningCount: job.counts[RUNNING]!,
        pendingCount: job.counts[PENDING]!,
      },
    };
  }

  /** Validates a job request as IoT Hub does (400 with the reason). */
  private parse(jobId: string, body: unknown): JobHeader {
    const invalid = (message: string) => new HubError(400, 'ArgumentInvalid', message);
    if (!/^[A-Za-z0-9-]{1,64}$/.test(jobId)) throw invalid(`jobId '${jobId.slice(0, 100)}' must be 1 to 64 ASCII letters, digits or dashes`);
    if (!isObject(body as Json)) throw invalid('the job must be a JSON object');
    const request = body as JsonObject;
    if (request.jobId !== undefined && request.jobId !== jobId) throw invalid(`the body's jobId ${String(request.jobId)} is not the URL's ${jobId}`);
    const type = request.type;
    if (type !== 'scheduleUpdateTwin' && type !== 'scheduleDeviceMethod') throw invalid(`job type ${String(type)} is not supported: use scheduleUpdateTwin or scheduleDeviceMethod`);
    const queryCondition = request.queryCondition;
    if (typeof queryCondition !== 'string' || !queryCondition.trim()) throw invalid('queryCondition (a WHERE clause) is required');
    try {
      compileCondition(queryCondition);
    } catch (error) {
      if (error instanceof QuerySyntaxError) throw new HubError(400, 'BadRequest', error.message);
      throw error;
    }
    const now = this.state.now();
    let startMs = now;
    if (request.startTime !== undefined && request.startTime !== null) {
      startMs = typeof request.startTime === 'string' ? Date.parse(request.startTime) : NaN;
      if (Number.isNaN(startMs)) throw invalid(`startTime ${JSON.stringify(request.startTime)} is not an ISO 8601 time`);
    }
    const maxExecution = request.maxExecutionTimeInSeconds ?? defaultMaxExecutionSeconds;
    if (typeof maxExecution !== 'number' || !Number.isInteger(maxExecution) || maxExecution < 1) throw invalid('maxExecutionTimeInSeconds must be a positive integer');
    const header: JobHeader = {
      jobId, type, queryCondition, createdMs: now, startMs, maxExecutionTimeInSeconds: maxExecution, status: startMs > now ? 'scheduled' : 'queued',
    };
    if (type === 'scheduleUpdateTwin') {
      const patch = servicePatchOf(request.updateTwin);
      if (!patch.tags && !patch.desired) throw invalid('updateTwin must carry tags or properties.desired');
      if (patch.tags) checkPatch('tags', patch.tags);
      if (patch.desired) checkPatch('properties.desired', patch.desired);
      header.updateTwin = request.updateTwin as JsonObject;
    } else {
      header.cloudToDeviceMethod = methodParamsOf(request.cloudToDeviceMethod);
    }
    return header;
  }
}

/**
 * IoT Hub names fields of `FROM devices.jobs` queries `devices.jobs.<field>` (and plain `<field>`): the row refers
 * to itself under a hidden `devices.jobs`, which conditions can read and JSON replies do not show.
 */
function aliasedAsDevicesJobs(row: JsonObject): JsonObject {
  Object.defineProperty(row, 'devices', { value: { jobs: row }, enumerable: false });
  return row;
}

function errorDetail(error: unknown): Json {
  if (error instanceof HubError) return { code: error.code, description: error.message };
  return { code: 'ServerError', description: error instanceof Error ? error.message : String(error) };
}
