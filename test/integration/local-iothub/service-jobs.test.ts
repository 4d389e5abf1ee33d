/**
 * Jobs on the local hub through the unchanged service SDK (JobClient): twin updates for the devices a condition
 * selects when the job starts, device methods, statistics, queries, cancel, the S1 concurrent-jobs limit and the
 * jobs device-operation rate, counted on a hub clock running 10× (so 10 devices per hub second = 100 per real one).
 */
import { eventually, sdkClients, useLocalIotHub, type SdkClients } from '../../support/iothub-sdk';

const scale = 10;
const t0 = Date.now();
// Job operations (1.67/s on S1) and queries (20/min) are not what this file is about: unthrottled here.
const hub = useLocalIotHub({ sku: 'S1', now: () => t0 + (Date.now() - t0) * scale, quotaOverrides: { jobOperations: Infinity, queries: Infinity } });
let sdk: SdkClients;

beforeAll(() => {
  sdk = sdkClients(hub());
  for (let i = 0; i < 30; i++) hub().state.createIdentity({ deviceId: `j-${i}`, tags: { site: i < 20 ? 'plant-a' : 'plant-b' } });
});
afterAll(() => sdk?.close());

type JobStatus = { status: string; startTime: string; endTime?: string; failureReason?: string; deviceJobStatistics: Record<string, number> };

async function finished(jobId: string): Promise<JobStatus> {
  return eventually(async () => {
    const { jobStatus } = await sdk.jobs.getJob(jobId);
    const job = jobStatus as unknown as JobStatus;
    return ['completed', 'failed', 'cancelled'].includes(job.status) && job;
  }, `job ${jobId} to finish`);
}

it('updates the twins the condition selects, at the tier\'s jobs device-operation rate on the hub clock', async () => {
  const { jobStatus } = await sdk.jobs.scheduleTwinUpdate('twin-job-1', "tags.site = 'plant-a'", { etag: '*', tags: { wave: 1 }, properties: { desired: { ota: { command: { id: 'c-1' } } } } } as never, new Date(hub().state.now()), 600);
  expect(jobStatus).toMatchObject({ jobId: 'twin-job-1', type: 'scheduleUpdateTwin', status: expect.stringMatching(/queued|running/) });

  const job = await finished('twin-job-1');
  expect(job.status).toBe('completed');
  expect(job.deviceJobStatistics).toEqual({ deviceCount: 20, succeededCount: 20, failedCount: 0, runningCount: 0, pendingCount: 0 });
  // 20 devices at S1's 10 per second take about 2 s of hub time (the first may go at once).
  expect(Date.parse(job.endTime!) - Date.parse(job.startTime)).toBeGreaterThanOrEqual(1800);

  const { responseBody: selected } = await sdk.registry.getTwin('j-3');
  expect(selected.tags).toMatchObject({ wave: 1 });
  expect(selected.properties.desired).toMatchObject({ ota: { command: { id: 'c-1' } } });
  const { responseBody: other } = await sdk.registry.getTwin('j-25');
  expect(other.properties.desired.ota).toBeUndefined();
});

it('lists jobs and their per-device records', async () => {
  // The SDK's JobStatus type says 'finished'; IoT Hub's REST API (and this hub) call it 'completed'.
  const query = sdk.jobs.createQuery('scheduleUpdateTwin', 'completed' as never);
  const { result } = await query.next(undefined as unknown as string);
  expect((result as { jobId: string }[]).map((j) => j.jobId)).toContain('twin-job-1');

  const devices = sdk.registry.createQuery("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'twin-job-1'");
  const { result: rows, message } = await devices.next(undefined as unknown as string);
  expect(rows).toHaveLength(20);
  expect(rows[0]).toMatchObject({ jobId: 'twin-job-1', jobType: 'scheduleUpdateTwin', status: 'completed' });
  expect(message.headers['x-ms-item-type']).toBe('DeviceJob');
});

it('allows one unfinished job on S1 (429 ThrottlingError for another) until it is cancelled', async () => {
  const later = new Date(hub().state.now() + 3600_000);
  const { jobStatus } = await sdk.jobs.scheduleTwinUpdate('later-job', "tags.site = 'plant-b'", { tags: { late: true } } as never, later, 3600);
  expect((jobStatus as unknown as JobStatus).status).toBe('scheduled');
  await expect(sdk.jobs.scheduleTwinUpdate('second-job', "tags.site = 'plant-b'", { tags: { x: 1 } } as never, new Date(hub().state.now()), 60)).rejects.toMatchObject({
    name: 'ThrottlingError',
    response: { statusCode: 429, headers: { 'iothub-errorcode': 'ThrottlingException' } },
  });
  const { jobStatus: cancelled } = await sdk.jobs.cancelJob('later-job');
  expect((cancelled as unknown as JobStatus).status).toBe('cancelled');
  await expect(sdk.jobs.scheduleTwinUpdate('later-job', 'tags.x = 1', { tags: { x: 1 } } as never, new Date(), 60)).rejects.toMatchObject({ response: { statusCode: 409 } });
});

it('fails a job that outlives maxExecutionTimeInSeconds', async () => {
  // 30 devices at 10/s need 3 s of hub time; the job may take 1.
  await sdk.jobs.scheduleTwinUpdate('slow-job', "STARTSWITH(deviceId, 'j-')", { tags: { slow: true } } as never, new Date(hub().state.now()), 1);
  const job = await finished('slow-job');
  expect(job.status).toBe('failed');
  expect(job.failureReason).toContain('maxExecutionTimeInSeconds');
  expect(job.deviceJobStatistics.pendingCount).toBeGreaterThan(0);
});

it('calls a direct method on every selected device and records each outcome', async () => {
  const stop = hub().state.setMethodHandler('j-21', async (name, payload) => ({ status: 200, payload: { name, echo: payload } }));
  try {
    await sdk.jobs.scheduleDeviceMethod('method-job', "deviceId IN ['j-21', 'j-22']", { methodName: 'reboot', payload: { soon: true }, responseTimeoutInSeconds: 5 }, new Date(hub().state.now()), 60);
    const job = await finished('method-job');
    expect(job).toMatchObject({ status: 'completed', deviceJobStatistics: { deviceCount: 2, succeededCount: 1, failedCount: 1 } });
    const { result } = await sdk.registry.createQuery("SELECT * FROM devices.jobs WHERE jobId = 'method-job'").next(undefined as unknown as string);
    const byDevice = Object.fromEntries((result as { deviceId: string }[]).map((row) => [row.deviceId, row]));
    expect(byDevice['j-21']).toMatchObject({ status: 'completed', outcome: { deviceMethodResponse: { status: 200, payload: { name: 'reboot', echo: { soon: true } } } } });
    expect(byDevice['j-22']).toMatchObject({ status: 'failed', error: { code: 'DeviceNotOnline' } });
  } finally {
    stop();
  }
});

it('refuses malformed jobs with 400', async () => {
  await expect(sdk.jobs.scheduleTwinUpdate('bad-condition', 'tags.site =', { tags: { a: 1 } } as never, new Date(), 60)).rejects.toMatchObject({ name: 'ArgumentError' });
  await expect(sdk.jobs.scheduleTwinUpdate('x'.repeat(65), 'tags.a = 1', { tags: { a: 1 } } as never, new Date(), 60)).rejects.toMatchObject({ name: 'ArgumentError' });
  await expect(sdk.jobs.getJob('no-such-job')).rejects.toMatchObject({ response: { statusCode: 404 } });
});
