import { IotHubFleet, type IotHubFleetOptions } from '../../../../adapters/iothub/iothub-fleet';
import { FleetUnavailableError, InvalidTargetQueryError, type DesiredVersion } from '../../../../domain/fleet/fleet-port';
import { FakeClock } from './fake-clock';
import { FakeHub } from './fake-hub';
import { sdkError } from './sdk-errors';

const at = '2026-01-01T00:00:00.000Z';
const desired: DesiredVersion = { commandId: 'r1:w0:b0:install', rolloutId: 'r1', provider: 'contoso', updateName: 'fw', version: '2.0.0', kind: 'install' };
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const commands = (deviceIds: string[], d: DesiredVersion = desired) => deviceIds.map((deviceId) => ({ deviceId, desired: d }));

function setup(options: Partial<IotHubFleetOptions> = {}, devices = 10) {
  const hub = new FakeHub();
  for (const id of ids('d-', devices)) hub.add(id, { site: id.endsWith('0') ? 'a' : 'b' }, { state: 'idle', installedVersion: '1.0.0', at });
  const clock = new FakeClock();
  const urlFor = jest.fn(async (path: string) => `https://store/${path}?sas`);
  const fleet = new IotHubFleet({ clients: { registry: hub.registry, jobs: hub.jobClient }, sku: 'S1', units: 1, urlFor, clock, random: () => 0.5, ...options });
  return { hub, fleet, clock, urlFor };
}

describe('IotHubFleet (against a fake hub)', () => {
  it('pages a target query through continuation tokens', async () => {
    const { fleet, hub } = setup({}, 2_500);
    const devices = await fleet.queryDevices({ query: "tags.site = 'b'" });
    expect(devices).toHaveLength(2_250);
    expect(devices[0]).toEqual({ deviceId: 'd-1', tags: { site: 'b' }, installedVersion: '1.0.0' });
    expect(hub.queries).toEqual(Array(3).fill("SELECT * FROM devices WHERE tags.site = 'b'"));
  });

  it('reads listed devices with chunked IN queries, skipping unknown ids', async () => {
    const { fleet, hub } = setup({ devicesPerQuery: 4 });
    const devices = await fleet.queryDevices({ deviceIds: [...ids('d-', 10), 'ghost'] });
    expect(devices.map((d) => d.deviceId).sort()).toEqual(ids('d-', 10).sort());
    expect(hub.queries).toHaveLength(3);
  });

  it('turns a query the hub refuses (400) into InvalidTargetQueryError with the hub\'s words', async () => {
    const { fleet } = setup();
    await expect(fleet.queryDevices({ query: 'tags.site == 1' })).rejects.toThrow(InvalidTargetQueryError);
    await expect(fleet.queryDevices({ query: 'tags.site == 1' })).rejects.toThrow("Invalid target query: Invalid query condition 'tags.site == 1'");
  });

  it.each(['patches', 'job'] as const)('dispatches once by %s: a re-sent batch counts as already applied, unknown devices are skipped', async (dispatch) => {
    const { fleet, hub } = setup({ dispatch, devicesPerJob: 4 });
    expect(await fleet.applyDesired(commands([...ids('d-', 10), 'ghost', 'd-3']), at)).toEqual({ sent: 10, alreadyApplied: 1 });
    expect(hub.commandOf('d-9')).toEqual({ id: 'r1:w0:b0:install', kind: 'install', rolloutId: 'r1', update: { provider: 'contoso', name: 'fw', version: '2.0.0' }, signedManifest: null, files: null });
    expect(await fleet.applyDesired(commands(ids('d-', 10)), at)).toEqual({ sent: 0, alreadyApplied: 10 });
    if (dispatch === 'job') expect(hub.jobs.map((j) => j.devices)).toEqual([4, 4, 2]);
    else expect(hub.updates).toHaveLength(10);
  });

  it('asks no query before a batch sent for the first time (queries are the scarcest quota), but does before a resend', async () => {
    const { fleet, hub } = setup();
    hub.queries.length = 0;
    expect(await fleet.applyDesired(commands(ids('d-', 5)), at, { firstSend: true })).toEqual({ sent: 5, alreadyApplied: 0 });
    expect(hub.queries).toEqual([]);
    expect(await fleet.applyDesired(commands(ids('d-', 5)), at)).toEqual({ sent: 0, alreadyApplied: 5 });
    expect(hub.queries).toHaveLength(1);
  });

  it('patches the devices a job failed', async () => {
    const log = jest.fn();
    const { fleet, hub } = setup({ dispatch: 'job', log });
    hub.failInJobs.add('d-4');
    expect(await fleet.applyDesired(commands(ids('d-', 10)), at)).toEqual({ sent: 10, alreadyApplied: 0 });
    expect(hub.updates).toEqual(['d-4']);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/job ota-r1-w0-b0-install-\w+ completed: 1 of 10 devices failed; patching 1 devices/));
  });

  it('signs each package path once per dispatch, however many devices share it', async () => {
    const { fleet, urlFor } = setup();
    const withPackage: DesiredVersion = {
      ...desired,
      package: { signedManifest: 'jws', files: [{ fileName: 'fw.bin', path: 'contoso/fw/2.0.0/fw.bin', sizeInBytes: 10, sha256: 'h', deltas: [] }] },
    };
    await fleet.applyDesired(commands(ids('d-', 10), withPackage), at);
    expect(urlFor).toHaveBeenCalledTimes(1);
  });

  it('reads the reports of a command with one query per page, keeping the requested devices', async () => {
    const { fleet, hub } = setup();
    await fleet.applyDesired(commands(ids('d-', 10)), at);
    hub.twins.get('d-1')!.properties.reported.ota = { commandId: desired.commandId, state: 'succeeded', installedVersion: '2.0.0', healthy: true, at };
    hub.twins.get('d-2')!.properties.reported = {};
    hub.queries.length = 0;
    const reports = await fleet.readReports(['d-1', 'd-2', 'd-3'], at, { commandIds: [desired.commandId, 'r1:w0:b1:install'] });
    expect(reports).toEqual([
      { deviceId: 'd-1', installedVersion: '2.0.0', state: 'succeeded', healthy: true, lastReportAt: at, commandId: desired.commandId },
      { deviceId: 'd-3', installedVersion: '1.0.0', state: 'idle', healthy: true, lastReportAt: at },
    ]);
    expect(hub.queries).toEqual(["SELECT deviceId, properties.reported.ota FROM devices WHERE properties.desired.ota.command.id IN ['r1:w0:b0:install', 'r1:w0:b1:install']"]);
    expect(await fleet.readReports(['d-1', 'd-2', 'ghost'], at)).toHaveLength(1);
  });

  it('shows one device with its desired and reported command, or undefined when the hub has none', async () => {
    const { fleet } = setup();
    await fleet.applyDesired(commands(['d-1']), at);
    expect(await fleet.getDevice('d-1')).toMatchObject({ deviceId: 'd-1', desiredVersion: '2.0.0', desiredCommandId: desired.commandId, state: 'idle', installedVersion: '1.0.0' });
    expect(await fleet.getDevice('ghost')).toBeUndefined();
  });

  it('retries throttles and hub failures, and pauses with a reason when they outlast the retries', async () => {
    const { fleet, hub } = setup({ retry: { maxAttempts: 3 } });
    hub.faults.push(sdkError(429, 'ThrottlingBacklogTimeout'), sdkError(503, 'ServerBusy'));
    expect(await fleet.applyDesired(commands(['d-1']), at)).toEqual({ sent: 1, alreadyApplied: 0 });
    hub.faults.push(...[1, 2, 3].map(() => sdkError(503, 'ServerBusy')));
    const err = await fleet.getDevice('d-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetUnavailableError);
    expect((err as Error).message).toBe('IoT Hub dispatch paused: 3 attempts failed (last: 503 ServerBusy); retrying in 15 s');
  });

  it('opens the breaker when the hub keeps failing, and closes it when the hub answers again', async () => {
    const { fleet, hub, clock } = setup({ retry: { maxAttempts: 1 }, breaker: { minFailures: 3, openMs: 10_000 } });
    hub.faults.push(...[1, 2, 3].map(() => sdkError(500, 'ServerError')));
    for (let i = 0; i < 3; i++) await fleet.getDevice('d-1').catch(() => undefined);
    expect(fleet.breakerState).toBe('open');
    await expect(fleet.applyDesired(commands(['d-1']), at)).rejects.toThrow(/IoT Hub dispatch paused: 3 errors in 30 s \(last: 500 ServerError\); retrying in 10 s/);
    clock.advance(10_000);
    expect(await fleet.applyDesired(commands(['d-1']), at)).toEqual({ sent: 1, alreadyApplied: 0 });
    expect(fleet.breakerState).toBe('closed');
  });
});
