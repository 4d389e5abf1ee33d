import { InvalidTargetQueryError } from '../../../../domain/fleet/fleet-port';
import { SimulatedFleet } from '../../../../adapters/simulated-fleet/simulated-fleet';
import { after, commands, ids, t0, twoModelProfile } from './fleet-test-profile';

const failB = { when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1, installTime: 'PT10S' };

describe('SimulatedFleet.queryDevices', () => {
  const fleet = new SimulatedFleet(twoModelProfile());

  it('resolves a twin query to summaries with tags and the installed version', async () => {
    const found = await fleet.queryDevices({ query: "SELECT * FROM devices WHERE tags.model = 'ctl-b' AND deviceId IN ['b-1', 'b-2', 'a-1']" });
    expect(found).toEqual([
      { deviceId: 'b-1', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '1.0.0', software: {} },
      { deviceId: 'b-2', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '1.0.0', software: {} },
    ]);
  });

  it('resolves ids, skipping unknown ones and repeats', async () => {
    const found = await fleet.queryDevices({ deviceIds: ['a-3', 'nope', 'b-0', 'a-3'] });
    expect(found.map((d) => d.deviceId)).toEqual(['a-3', 'b-0']);
  });

  it('refuses a bad query with InvalidTargetQueryError', async () => {
    await expect(fleet.queryDevices({ query: 'tags.site = plant-a' })).rejects.toThrow(InvalidTargetQueryError);
  });

  it('sees installed versions as of the latest time it was given', async () => {
    const updating = new SimulatedFleet(twoModelProfile());
    await updating.applyDesired(commands(['a-0']), t0);
    const query = { query: "properties.reported.installedVersion = '2.0.0'" };
    expect(await updating.queryDevices(query)).toEqual([]);
    await updating.readReports([], after(1000));
    expect((await updating.queryDevices(query)).map((d) => d.deviceId)).toEqual(['a-0']);
  });
});

describe('SimulatedFleet.applyDesired', () => {
  it('reaches each device once per commandId, however often it is sent', async () => {
    const fleet = new SimulatedFleet(twoModelProfile());
    expect(await fleet.applyDesired(commands(['a-0', 'a-1', 'a-0', 'unknown']), t0)).toEqual({ sent: 2, alreadyApplied: 1 });
    expect(await fleet.applyDesired(commands(['a-0', 'a-1', 'a-2']), after(5))).toEqual({ sent: 1, alreadyApplied: 2 });
    expect(fleet.commandsReceived('a-0')).toEqual(['cmd-1']);
    expect(fleet.commandsReceived('a-2')).toEqual(['cmd-1']);
    expect(fleet.commandsReceived('a-3')).toEqual([]);
    expect(fleet.commandsReceived('unknown')).toEqual([]);
  });

  it('rejects a time that is not ISO 8601', async () => {
    const fleet = new SimulatedFleet(twoModelProfile());
    await expect(fleet.applyDesired(commands(['a-0']), 'yesterday')).rejects.toThrow("'yesterday' is not an ISO 8601 timestamp");
  });
});

describe('SimulatedFleet: installs follow the caller’s clock', () => {
  it('reports installing from the start, then the result once installTime has passed', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ installTime: 'PT10S' }]));
    await fleet.applyDesired(commands(['a-0']), t0);

    expect(await fleet.readReports(['a-0'], t0)).toEqual([
      { deviceId: 'a-0', installedVersion: '1.0.0', state: 'installing', healthy: true, lastReportAt: t0, commandId: 'cmd-1' },
    ]);
    expect((await fleet.readReports(['a-0'], after(9_999)))[0]?.state).toBe('installing');
    expect(await fleet.readReports(['a-0', 'unknown'], after(60_000))).toEqual([
      { deviceId: 'a-0', installedVersion: '2.0.0', state: 'succeeded', healthy: true, lastReportAt: after(10_000), commandId: 'cmd-1' },
    ]);
  });

  it('uses a 0.5 s install when no behavior matches', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([failB]));
    await fleet.applyDesired(commands(['a-0']), t0);
    expect((await fleet.readReports(['a-0'], after(499)))[0]?.state).toBe('installing');
    expect((await fleet.readReports(['a-0'], after(500)))[0]?.state).toBe('succeeded');
  });

  it('getDevice shows the device as of the latest time seen', async () => {
    const fleet = new SimulatedFleet(twoModelProfile());
    expect(await fleet.getDevice('a-0')).toEqual({
      deviceId: 'a-0',
      tags: { site: 'plant-a', model: 'ctl-a' },
      installedVersion: '1.0.0',
      software: {},
      state: 'idle',
      healthy: true,
      lastReportAt: undefined,
      desiredVersion: undefined,
      acceptedCommands: [],
    });
    await fleet.applyDesired(commands(['a-0']), t0);
    expect(await fleet.getDevice('a-0')).toMatchObject({ state: 'installing', desiredVersion: '2.0.0', installedVersion: '1.0.0', acceptedCommands: ['cmd-1'] });
    await fleet.readReports(['b-0'], after(1000)); // another device: only moves the clock
    expect(await fleet.getDevice('a-0')).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0', lastReportAt: after(500) });
    expect(await fleet.getDevice('nope')).toBeUndefined();
  });

  it('keeps a finished install when the next command arrives before anyone read it', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ installTime: 'PT10S' }]));
    await fleet.applyDesired(commands(['a-0']), t0);
    await fleet.applyDesired(commands(['a-0'], { commandId: 'cmd-2', version: '3.0.0' }), after(20_000));
    expect(await fleet.readReports(['a-0'], after(20_000))).toEqual([
      { deviceId: 'a-0', installedVersion: '2.0.0', state: 'installing', healthy: true, lastReportAt: after(20_000), commandId: 'cmd-2' },
    ]);
  });

  it('drops an unfinished install when a new command replaces it', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ installTime: 'PT10S' }]));
    await fleet.applyDesired(commands(['a-0']), t0);
    await fleet.applyDesired(commands(['a-0'], { commandId: 'cmd-2', version: '1.0.0', kind: 'restore' }), after(1000));
    const [report] = await fleet.readReports(['a-0'], after(60_000));
    expect(report).toMatchObject({ installedVersion: '1.0.0', state: 'succeeded', commandId: 'cmd-2', lastReportAt: after(11_000) });
  });
});

describe('SimulatedFleet: outcomes come from the profile', () => {
  it('rate 1.0: every matching device fails and keeps its version; others succeed', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([failB]));
    const all = [...ids('a-', 10), ...ids('b-', 10)];
    await fleet.applyDesired(commands(all), t0);
    const reports = await fleet.readReports(all, after(60_000));
    const failed = reports.filter((r) => r.state === 'failed');
    expect(failed.map((r) => r.deviceId)).toEqual(ids('b-', 10));
    expect(failed[0]).toEqual({
      deviceId: 'b-0',
      installedVersion: '1.0.0',
      state: 'failed',
      healthy: true,
      lastReportAt: after(10_000),
      commandId: 'cmd-1',
      error: 'installing 2.0.0 failed (simulated)',
    });
    expect(reports.filter((r) => r.state === 'succeeded').map((r) => r.deviceId)).toEqual(ids('a-', 10));
  });

  it('rate 0: no device fails', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ ...failB, installFailureRate: 0 }]));
    await fleet.applyDesired(commands(ids('b-', 10)), t0);
    const reports = await fleet.readReports(ids('b-', 10), after(60_000));
    expect(reports.every((r) => r.state === 'succeeded' && r.installedVersion === '2.0.0')).toBe(true);
  });

  it('only the version a behavior names is affected: ctl-b installs 2.1.0', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([failB]));
    await fleet.applyDesired(commands(['b-0'], { version: '2.1.0' }), t0);
    expect((await fleet.readReports(['b-0'], after(60_000)))[0]?.state).toBe('succeeded');
  });

  it('a partial rate picks the same devices for the same profile, other devices for another seed', async () => {
    const failures = async (seed: string) => {
      const profile = twoModelProfile([{ installFailureRate: 0.5 }], seed);
      const fleet = new SimulatedFleet(profile);
      const all = [...ids('a-', 10), ...ids('b-', 10)];
      await fleet.applyDesired(commands(all), t0);
      return (await fleet.readReports(all, after(60_000))).filter((r) => r.state === 'failed').map((r) => r.deviceId);
    };
    const first = await failures('s1');
    expect(await failures('s1')).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    expect(await failures('s2')).not.toEqual(first);
  });

  it('unhealthy devices install, then report themselves unhealthy', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ unhealthyRate: 1 }]));
    await fleet.applyDesired(commands(['a-0']), t0);
    expect((await fleet.readReports(['a-0'], after(60_000)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0', healthy: false });
  });

  it('offline devices accept the command and never report again, even to later commands', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ when: { version: '2.0.0' }, offlineRate: 1 }]));
    await fleet.applyDesired(commands(['a-0', 'a-1'], { commandId: 'cmd-0', version: '1.5.0' }), t0);
    await fleet.readReports(['a-0'], after(1000));
    await fleet.applyDesired(commands(['a-0', 'a-1']), after(2000));
    await fleet.applyDesired(commands(['a-0', 'a-1'], { commandId: 'cmd-2', version: '1.5.0', kind: 'restore' }), after(3000));

    expect(await fleet.readReports(['a-0', 'a-1'], after(3_600_000))).toEqual([
      { deviceId: 'a-0', installedVersion: '1.5.0', state: 'succeeded', healthy: true, lastReportAt: after(500), commandId: 'cmd-0' },
      { deviceId: 'a-1', installedVersion: '1.5.0', state: 'succeeded', healthy: true, lastReportAt: after(500), commandId: 'cmd-0' },
    ]);
    expect(fleet.commandsReceived('a-0')).toEqual(['cmd-0', 'cmd-1', 'cmd-2']);
    expect(await fleet.getDevice('a-0')).toMatchObject({ desiredVersion: '1.5.0' });

    await fleet.applyDesired(commands(['a-2']), after(4000));
    expect(await fleet.readReports(['a-2'], after(3_600_000))).toEqual([
      { deviceId: 'a-2', installedVersion: '1.0.0', state: 'idle', healthy: true, lastReportAt: undefined },
    ]);
  });

  it('restore brings back the previous version', async () => {
    const fleet = new SimulatedFleet(twoModelProfile([{ when: { version: '2.0.0' }, unhealthyRate: 1 }]));
    await fleet.applyDesired(commands(['a-0']), t0);
    expect((await fleet.readReports(['a-0'], after(1000)))[0]).toMatchObject({ installedVersion: '2.0.0', healthy: false });

    const restore = commands(['a-0'], { commandId: 'cmd-restore', version: '1.0.0', kind: 'restore' });
    expect(await fleet.applyDesired(restore, after(2000))).toEqual({ sent: 1, alreadyApplied: 0 });
    expect((await fleet.readReports(['a-0'], after(2000)))[0]).toMatchObject({ state: 'installing', commandId: 'cmd-restore' });
    expect((await fleet.readReports(['a-0'], after(2500)))[0]).toMatchObject({
      installedVersion: '1.0.0',
      state: 'succeeded',
      healthy: true,
      commandId: 'cmd-restore',
    });
    expect(fleet.commandsReceived('a-0')).toEqual(['cmd-1', 'cmd-restore']);
  });
});
