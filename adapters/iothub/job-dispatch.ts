/**
 * Dispatch by twin-update jobs: one `scheduleTwinUpdate` per chunk of devices (`deviceId IN [...]`), no more jobs at
 * once than the tier allows, each paced by the jobs device-operations quota for its size, then polled until it ends.
 * Devices a job failed are found by query (those still without the command) and sent a patch each, so a partial
 * job ends like a full one; the hub's own failure counts are logged.
 */
import type { JobClient, Registry } from 'azure-iothub';
import type { Clock } from './clock';
import type { HubCaller } from './hub-caller';
import { statusOf } from './hub-errors';
import { dispatchPatches } from './patch-dispatch';
import { runPool } from './run-pool';
import { desiredCommandIs, deviceIdIn, idConditions, queryAll } from './twin-queries';

export interface JobGroup {
  commandId: string;
  desired: Record<string, unknown>;
  deviceIds: string[];
}

export interface JobDispatchDeps {
  caller: HubCaller;
  registry: Registry;
  jobs: JobClient;
  clock: Clock;
  concurrentJobs: number;
  devicesPerJob: number;
  pollMs: number;
  /** Devices per real second the hub works jobs through (its full jobs device-operations rate). */
  hubDevicesPerSecond: number;
  /** The hub ends (fails) a job that runs longer; we stop waiting a minute after that. */
  maxExecutionSeconds: number;
  patchConcurrency: number;
  newJobId: (commandId: string) => string;
  log?: (message: string) => void;
}

/** The SDK sends `startTime: null` for a missing start, which the hub reads as "now" on its own clock, not ours. */
const startNow = undefined as unknown as Date;

type JobEnd = { status: string; succeeded: number; failed: number };

export async function dispatchJobs(groups: readonly JobGroup[], deps: JobDispatchDeps): Promise<{ sent: number }> {
  // The check query of a partly failed job adds its command condition to the same ids: size chunks for that.
  const check = (group: JobGroup) => (condition: string) => `SELECT deviceId FROM devices WHERE ${condition} AND ${desiredCommandIs(group.commandId)}`;
  const work = groups.flatMap((group) => idConditions(group.deviceIds, deps.devicesPerJob, check(group)).map(({ deviceIds }) => ({ ...group, deviceIds })));
  let sent = 0;
  await runPool(work, deps.concurrentJobs, async (chunk) => {
    sent += await runJob(chunk, deps);
  });
  return { sent };
}

async function runJob(chunk: JobGroup, deps: JobDispatchDeps): Promise<number> {
  const jobId = deps.newJobId(chunk.commandId);
  // The bucket's burst is one job: the first starts at once, each later one when the rate has paid for the last.
  await deps.caller.pace('jobDeviceOperation', chunk.deviceIds.length);
  try {
    await deps.caller.call('jobOperation', () =>
      deps.jobs.scheduleTwinUpdate(jobId, deviceIdIn(chunk.deviceIds), { etag: '*', properties: { desired: chunk.desired } }, startNow, deps.maxExecutionSeconds),
    );
  } catch (err) {
    // A retry after a lost reply finds the job it created: the id is ours alone.
    if (statusOf(err) !== 409) throw err;
  }
  const end = await awaitJob(jobId, chunk.deviceIds.length, deps);
  if (end.status === 'completed' && end.failed === 0) return end.succeeded;

  const carrying = await queryAll(deps.caller, deps.registry, `SELECT deviceId FROM devices WHERE ${deviceIdIn(chunk.deviceIds)} AND ${desiredCommandIs(chunk.commandId)}`);
  const done = new Set(carrying.map((row) => (row as { deviceId?: unknown }).deviceId));
  const missing = chunk.deviceIds.filter((id) => !done.has(id));
  deps.log?.(`IoT Hub job ${jobId} ${end.status}: ${end.failed} of ${chunk.deviceIds.length} devices failed; patching ${missing.length} devices without the command`);
  const patched = await dispatchPatches(missing.map((deviceId) => ({ deviceId, desired: chunk.desired })), { caller: deps.caller, registry: deps.registry, concurrency: deps.patchConcurrency });
  return end.succeeded + patched.sent;
}

/** Polls a job until it ends: first when it could be done at the earliest, then every `pollMs` (polls use quota). */
async function awaitJob(jobId: string, devices: number, deps: JobDispatchDeps): Promise<JobEnd> {
  const deadline = deps.clock.now() + (deps.maxExecutionSeconds + 60) * 1000;
  let wait = Math.max(deps.pollMs, (devices / deps.hubDevicesPerSecond) * 1000);
  for (;;) {
    await deps.clock.sleep(wait);
    wait = deps.pollMs;
    const { jobStatus } = await deps.caller.call('jobOperation', () => deps.jobs.getJob(jobId));
    const job = (jobStatus ?? {}) as { status?: unknown; deviceJobStatistics?: { succeededCount?: unknown; failedCount?: unknown } };
    const status = typeof job.status === 'string' ? job.status : 'unknown';
    if (status === 'completed' || status === 'failed' || status === 'cancelled') {
      const count = (value: unknown) => (typeof value === 'number' ? value : 0);
      return { status, succeeded: count(job.deviceJobStatistics?.succeededCount), failed: count(job.deviceJobStatistics?.failedCount) };
    }
    if (deps.clock.now() > deadline) throw new Error(`IoT Hub job ${jobId} is still ${status} after ${deps.maxExecutionSeconds} s.`);
  }
}
