/**
 * Virtual devices follow the device twin contract: the service writes `desired.ota.command`, a device accepts a
 * command id once, reports `installing` at once and one final state when the hub clock reaches its finish time.
 */
import { HubError, HubState } from '../../../../local-iothub/hub-state';
import { parseFleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import { VirtualFleet } from '../../../../local-iothub/virtual-devices/virtual-fleet';
import { after, ids, ota, restart, send, startHub, states, stopAll, t0, twoModelProfile } from './hub-fixture';

afterEach(stopAll);

const failB = { when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1, installTime: 'PT10S' };

describe('VirtualFleet.provision', () => {
  const profile = parseFleetProfile({
    devices: [
      { count: 3, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller', software: { bootloader: '1.4.0' } },
      { count: 2, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '0.9.0' },
    ],
  });

  it('creates every device as a virtual identity with its tags and reports its initial ota', () => {
    const { state, fleet } = startHub(profile);
    expect(fleet.provision()).toEqual({ created: 0, existing: 5 });
    expect([...state.identities.keys()]).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1']);
    expect(state.requireIdentity('a-0')).toMatchObject({ virtual: true, status: 'enabled' });
    expect(state.requireTwin('a-1').tags).toEqual({ site: 'plant-a', model: 'ctl-a' });
    expect(state.requireTwin('a-1').reported).toEqual({
      ota: { state: 'idle', installedVersion: '1.0.0', software: { 'line-controller': '1.0.0', bootloader: '1.4.0' }, healthy: true, at: t0 },
    });
    expect(ota(state, 'b-0')).toEqual({ state: 'idle', installedVersion: '0.9.0', software: { firmware: '0.9.0' }, healthy: true, at: t0 });
  });

  it('devices of a group share one tags object until the service changes a device’s tags', () => {
    const { state } = startHub(profile);
    expect(state.requireTwin('a-0').tags).toBe(state.requireTwin('a-1').tags);
    state.patchTwin('a-0', { tags: { line: 'L3', site: null } });
    expect(state.requireTwin('a-0').tags).toEqual({ model: 'ctl-a', line: 'L3' });
    expect(state.requireTwin('a-1').tags).toEqual({ site: 'plant-a', model: 'ctl-a' });
  });

  it('after a restart, leaves the devices the hub restored as they are and creates only missing ones', () => {
    const hub = startHub(profile);
    send(hub.state, ['a-0'], { id: 'cmd-1' });
    hub.clock.advance(60_000);
    expect(ota(hub.state, 'a-0')).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0' });
    hub.state.deleteIdentity('b-1');

    const restarted = restart(hub, profile);
    const before = structuredClone(restarted.state.requireTwin('a-0'));
    expect(restarted.fleet.provision()).toEqual({ created: 1, existing: 4 });
    expect(restarted.state.requireTwin('a-0')).toEqual(before);
    expect(restarted.state.requireIdentity('a-0').primaryKey).toBe(hub.state.requireIdentity('a-0').primaryKey);
    expect(ota(restarted.state, 'b-1')).toMatchObject({ state: 'idle', installedVersion: '0.9.0' });
  });

  it('leaves a device that is in the hub but not virtual alone', () => {
    const state = new HubState(() => Date.parse(t0));
    state.createIdentity({ deviceId: 'a-0' });
    const fleet = new VirtualFleet(state, profile);
    try {
      expect(fleet.provision()).toEqual({ created: 4, existing: 1 });
      expect(state.requireTwin('a-0').reported).toEqual({});
      send(state, ['a-0'], { id: 'cmd-1' });
      expect(state.requireTwin('a-0').reported).toEqual({});
    } finally {
      fleet.stop();
    }
  });
});

describe('VirtualFleet: commands follow the hub clock', () => {
  it('reports installing at once, then the result at accept time + installTime, however late it is read', () => {
    const { state, clock } = startHub(twoModelProfile([{ installTime: 'PT10S' }]));
    clock.advance(5_000);
    send(state, ['a-0'], { id: 'cmd-1' });
    expect(state.requireTwin('a-0').reported.ota).toEqual({
      commandId: 'cmd-1', state: 'installing', installedVersion: '1.0.0', software: { 'line-controller': '1.0.0' }, healthy: true, at: after(5_000),
    });
    clock.advance(9_999);
    expect(ota(state, 'a-0').state).toBe('installing');
    clock.advance(3_600_000);
    expect(ota(state, 'a-0')).toEqual({
      commandId: 'cmd-1', state: 'succeeded', installedVersion: '2.0.0', software: { 'line-controller': '2.0.0' }, healthy: true, at: after(15_000),
    });
  });

  it('uses a 0.5 s install when no behavior matches', () => {
    const { state, clock } = startHub(twoModelProfile([failB]));
    send(state, ['a-0'], { id: 'cmd-1' });
    clock.advance(499);
    expect(ota(state, 'a-0').state).toBe('installing');
    clock.advance(1);
    expect(ota(state, 'a-0')).toMatchObject({ state: 'succeeded', at: after(500) });
  });

  it('acts on a command id once, however often it is sent or the desired properties change', () => {
    const { state, clock, fleet } = startHub(twoModelProfile());
    send(state, ['a-0'], { id: 'cmd-1' });
    const version = state.requireTwin('a-0').reportedVersion;
    send(state, ['a-0'], { id: 'cmd-1' });
    state.patchTwin('a-0', { desired: { telemetryInterval: 30 } });
    expect(state.requireTwin('a-0').reportedVersion).toBe(version);
    clock.advance(1_000);
    send(state, ['a-0'], { id: 'cmd-1' });
    expect(ota(state, 'a-0')).toMatchObject({ state: 'succeeded', at: after(500) });
    expect(fleet.commandsReceived('a-0')).toEqual(['cmd-1']);
    expect(fleet.commandsReceived('a-1')).toEqual([]);
    expect(fleet.commandsReceived('nobody')).toEqual([]);
  });

  it('keeps a finished install when the next command arrives before anyone read it', () => {
    const { state, clock, fleet } = startHub(twoModelProfile([{ installTime: 'PT10S' }]));
    send(state, ['a-0'], { id: 'cmd-1' });
    clock.advance(20_000);
    send(state, ['a-0'], { id: 'cmd-2', update: { name: 'line-controller', version: '3.0.0' } });
    expect(ota(state, 'a-0')).toMatchObject({ commandId: 'cmd-2', state: 'installing', installedVersion: '2.0.0', at: after(20_000) });
    expect(fleet.commandsReceived('a-0')).toEqual(['cmd-1', 'cmd-2']);
  });

  it('drops an unfinished install when a new command replaces it', () => {
    const { state, clock } = startHub(twoModelProfile([{ installTime: 'PT10S' }]));
    send(state, ['a-0'], { id: 'cmd-1' });
    clock.advance(1_000);
    send(state, ['a-0'], { id: 'cmd-2', kind: 'restore', update: { name: 'line-controller', version: '1.0.0' } });
    clock.advance(60_000);
    expect(ota(state, 'a-0')).toMatchObject({ commandId: 'cmd-2', installedVersion: '1.0.0', state: 'succeeded', at: after(11_000) });
  });

  it('finishes installs on real time too, without anyone reading twins', async () => {
    const state = new HubState();
    const fleet = new VirtualFleet(state, twoModelProfile([{ installTime: 'PT0.1S' }]));
    try {
      fleet.provision();
      send(state, ['a-0'], { id: 'cmd-1' });
      const reported = () => state.requireTwin('a-0').reported.ota as { state: string };
      for (let waited = 0; reported().state !== 'succeeded' && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reported().state).toBe('succeeded');
    } finally {
      fleet.stop();
    }
  });

  it('reports a malformed command as failed at once', () => {
    const { state } = startHub(twoModelProfile());
    send(state, ['a-0'], { id: 'cmd-1', kind: 'upgrade' as 'install' });
    expect(ota(state, 'a-0')).toEqual({
      commandId: 'cmd-1', state: 'failed', installedVersion: '1.0.0', software: { 'line-controller': '1.0.0' }, healthy: true, at: t0,
      error: { code: 'malformed', message: 'the command has kind "upgrade", expected install or restore' },
    });
  });
});

describe('VirtualFleet: outcomes come from the profile', () => {
  it('rate 1.0: every matching device fails and keeps its version; others succeed', () => {
    const { state, clock } = startHub(twoModelProfile([failB]));
    send(state, [...ids('a-', 10), ...ids('b-', 10)], { id: 'cmd-1' });
    clock.advance(60_000);
    expect(states(state, ids('a-', 10))).toEqual(Array(10).fill('succeeded'));
    expect(states(state, ids('b-', 10))).toEqual(Array(10).fill('failed'));
    expect(ota(state, 'b-0')).toEqual({
      commandId: 'cmd-1', state: 'failed', installedVersion: '1.0.0', software: { 'line-controller': '1.0.0' }, healthy: true, at: after(10_000),
      error: { code: 'install-failed', message: 'installing line-controller 2.0.0 failed (simulated)' },
    });
  });

  it('only the version a behavior names is affected: ctl-b installs 2.1.0', () => {
    const { state, clock } = startHub(twoModelProfile([failB]));
    send(state, ['b-0'], { id: 'cmd-1', update: { name: 'line-controller', version: '2.1.0' } });
    clock.advance(60_000);
    expect(ota(state, 'b-0')).toMatchObject({ state: 'succeeded', installedVersion: '2.1.0' });
  });

  it('a partial rate picks the same devices for the same seed, other devices for another', () => {
    const failures = (seed: string) => {
      const { state, clock } = startHub(twoModelProfile([{ installFailureRate: 0.5 }], seed));
      const all = [...ids('a-', 10), ...ids('b-', 10)];
      send(state, all, { id: 'cmd-1' });
      clock.advance(60_000);
      return all.filter((id) => ota(state, id).state === 'failed');
    };
    const first = failures('s1');
    expect(failures('s1')).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    expect(failures('s2')).not.toEqual(first);
  });

  it('draws each rate over many devices', () => {
    const profile = parseFleetProfile({
      devices: [{ count: 4_000, idPrefix: 'd-', tags: { model: 'ctl-a' }, installedVersion: '1.0.0' }],
      behaviors: [{ installFailureRate: 0.2, unhealthyRate: 0.1, offlineRate: 0.05 }],
      seed: 'rates',
    });
    const { state, clock } = startHub(profile);
    const all = ids('d-', 4_000);
    send(state, all, { id: 'cmd-1' });
    clock.advance(60_000);
    const reports = all.map((id) => ota(state, id));
    const share = (match: (report: (typeof reports)[number]) => boolean) => reports.filter(match).length / all.length;
    const silent = share((r) => r.state === 'installing');
    expect(silent).toBeGreaterThan(0.03);
    expect(silent).toBeLessThan(0.07);
    // Failing and going unhealthy are drawn among the devices that stay online.
    expect(share((r) => r.state === 'failed') / (1 - silent)).toBeGreaterThan(0.17);
    expect(share((r) => r.state === 'failed') / (1 - silent)).toBeLessThan(0.23);
    const succeeded = share((r) => r.state === 'succeeded');
    expect(share((r) => r.state === 'succeeded' && r.healthy === false) / succeeded).toBeGreaterThan(0.08);
    expect(share((r) => r.state === 'succeeded' && r.healthy === false) / succeeded).toBeLessThan(0.12);
  });

  it('unhealthy devices install, then report themselves unhealthy until a later install', () => {
    const { state, clock } = startHub(twoModelProfile([{ when: { version: '2.0.0' }, unhealthyRate: 1 }]));
    send(state, ['a-0'], { id: 'cmd-1' });
    clock.advance(1_000);
    expect(ota(state, 'a-0')).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0', healthy: false });
    send(state, ['a-0'], { id: 'cmd-2', kind: 'restore', update: { name: 'line-controller', version: '1.0.0' } });
    expect(ota(state, 'a-0')).toMatchObject({ state: 'installing', commandId: 'cmd-2', installedVersion: '2.0.0', healthy: false, at: after(1_000) });
    clock.advance(500);
    expect(ota(state, 'a-0')).toMatchObject({ state: 'succeeded', commandId: 'cmd-2', installedVersion: '1.0.0', healthy: true, at: after(1_500) });
  });

  it('offline devices report that they accepted the command, then never report again nor take later commands', async () => {
    const { state, clock, fleet } = startHub(twoModelProfile([{ when: { version: '2.0.0' }, offlineRate: 1 }]));
    send(state, ['a-0', 'a-1'], { id: 'cmd-0', update: { name: 'line-controller', version: '1.5.0' } });
    clock.advance(1_000);
    send(state, ['a-0', 'a-1'], { id: 'cmd-1' });
    clock.advance(1_000);
    send(state, ['a-0', 'a-1'], { id: 'cmd-2', kind: 'restore', update: { name: 'line-controller', version: '1.5.0' } });
    clock.advance(3_600_000);
    for (const id of ['a-0', 'a-1']) {
      expect(ota(state, id)).toMatchObject({ commandId: 'cmd-1', state: 'installing', installedVersion: '1.5.0', at: after(1_000) });
      expect(fleet.commandsReceived(id)).toEqual(['cmd-0', 'cmd-1']);
    }
    await expect(state.invokeMethod('a-0', 'ping', null, 1_000)).rejects.toMatchObject({ status: 404, code: 'DeviceNotOnline' });
  });
});

describe('VirtualFleet: components (other software)', () => {
  const profile = parseFleetProfile({
    devices: [{ count: 2, idPrefix: 'd-', tags: { model: 'ctl-a' }, installedVersion: '2.0.0', updateName: 'line-controller', software: { bootloader: '1.0.0' } }],
    behaviors: [{ when: { version: '1.3.0' }, installFailureRate: 1 }],
  });

  it('installs a component without touching the main update, and reports the component’s version', () => {
    const { state, clock } = startHub(profile);
    send(state, ['d-0'], { id: 'c1', update: { name: 'bootloader', version: '1.2.0' } });
    expect(ota(state, 'd-0')).toMatchObject({ state: 'installing', installedVersion: '1.0.0' });
    clock.advance(1_000);
    expect(ota(state, 'd-0')).toMatchObject({ state: 'succeeded', installedVersion: '1.2.0', software: { 'line-controller': '2.0.0', bootloader: '1.2.0' } });
    expect(ota(state, 'd-1').software).toEqual({ 'line-controller': '2.0.0', bootloader: '1.0.0' });
  });

  it('a failed component install reports the component’s previous version', () => {
    const { state, clock } = startHub(profile);
    send(state, ['d-0'], { id: 'c1', update: { name: 'bootloader', version: '1.3.0' } });
    clock.advance(1_000);
    expect(ota(state, 'd-0')).toMatchObject({ state: 'failed', installedVersion: '1.0.0', software: { 'line-controller': '2.0.0', bootloader: '1.0.0' } });
  });

  it('restores a component to its previous version', () => {
    const { state, clock } = startHub(profile);
    send(state, ['d-0'], { id: 'c1', update: { name: 'bootloader', version: '1.2.0' } });
    clock.advance(1_000);
    send(state, ['d-0'], { id: 'c2', kind: 'restore', update: { name: 'bootloader', version: '1.0.0' } });
    clock.advance(1_000);
    expect(ota(state, 'd-0')).toMatchObject({ state: 'succeeded', installedVersion: '1.0.0', software: { 'line-controller': '2.0.0', bootloader: '1.0.0' } });
  });

  it('installs the main update when the update name is not a component', () => {
    const { state, clock } = startHub(profile);
    send(state, ['d-0'], { id: 'c1', update: { name: 'other-name', version: '3.0.0' } });
    clock.advance(1_000);
    expect(ota(state, 'd-0')).toMatchObject({ state: 'succeeded', installedVersion: '3.0.0', software: { 'line-controller': '3.0.0', bootloader: '1.0.0' } });
  });
});

describe('VirtualFleet after a restart (kill -9)', () => {
  const profile = twoModelProfile([{ when: { model: 'ctl-b' }, offlineRate: 1 }, { installTime: 'PT10M' }]);

  it('finishes an install that was running at accept time + installTime', () => {
    const hub = startHub(profile);
    send(hub.state, ['a-0'], { id: 'cmd-1' });
    hub.clock.advance(60_000);
    const restarted = restart(hub, profile);
    restarted.clock.advance(3_600_000);
    expect(ota(restarted.state, 'a-0')).toMatchObject({ commandId: 'cmd-1', state: 'succeeded', installedVersion: '2.0.0', at: after(600_000) });
    expect(restarted.state.requireTwin('a-0').reported.virtualAgent).toEqual({ commands: ['cmd-1'] });
  });

  it('still ignores a command it accepted before, and takes the next one', () => {
    const hub = startHub(profile);
    send(hub.state, ['a-0'], { id: 'cmd-1' });
    hub.clock.advance(3_600_000);
    const restarted = restart(hub, profile);
    send(restarted.state, ['a-0'], { id: 'cmd-1' });
    expect(ota(restarted.state, 'a-0')).toMatchObject({ commandId: 'cmd-1', state: 'succeeded' });
    send(restarted.state, ['a-0'], { id: 'cmd-2', update: { name: 'line-controller', version: '3.0.0' } });
    expect(ota(restarted.state, 'a-0')).toMatchObject({ commandId: 'cmd-2', state: 'installing' });
    expect(restarted.fleet.commandsReceived('a-0')).toEqual(['cmd-1', 'cmd-2']);
  });

  it('keeps offline devices silent', () => {
    const hub = startHub(profile);
    send(hub.state, ['b-0'], { id: 'cmd-1' });
    const restarted = restart(hub, profile);
    send(restarted.state, ['b-0'], { id: 'cmd-2', update: { name: 'line-controller', version: '3.0.0' } });
    restarted.clock.advance(3_600_000);
    expect(ota(restarted.state, 'b-0')).toMatchObject({ commandId: 'cmd-1', state: 'installing' });
    expect(restarted.fleet.commandsReceived('b-0')).toEqual(['cmd-1']);
  });

  it('acts on a command written while the devices were down', () => {
    const hub = startHub(profile);
    hub.fleet.stop();
    send(hub.state, ['a-0'], { id: 'cmd-1' });
    expect(hub.state.requireTwin('a-0').reported.ota).toMatchObject({ state: 'idle' });
    const restarted = restart(hub, profile);
    expect(ota(restarted.state, 'a-0')).toMatchObject({ commandId: 'cmd-1', state: 'installing', at: t0 });
  });
});

describe('VirtualFleet: direct methods', () => {
  it('answers ping, and 501 for any other method, without a handler per device', async () => {
    const { state, fleet } = startHub(twoModelProfile());
    await expect(state.invokeMethod('a-3', 'ping', null, 1_000)).resolves.toEqual({ status: 200, payload: { ok: true } });
    await expect(state.invokeMethod('a-3', 'reboot', {}, 1_000)).resolves.toMatchObject({ status: 501 });
    state.createIdentity({ deviceId: 'mqtt-device' });
    await expect(state.invokeMethod('mqtt-device', 'ping', null, 1_000)).rejects.toBeInstanceOf(HubError);
    state.updateIdentity('a-3', { status: 'disabled' });
    await expect(state.invokeMethod('a-3', 'ping', null, 1_000)).rejects.toMatchObject({ code: 'DeviceNotOnline' });
    fleet.stop();
    await expect(state.invokeMethod('a-4', 'ping', null, 1_000)).rejects.toMatchObject({ code: 'DeviceNotOnline' });
  });

  it('a disabled device takes the command written meanwhile once it is enabled again', () => {
    const { state } = startHub(twoModelProfile());
    state.updateIdentity('a-0', { status: 'disabled' });
    send(state, ['a-0'], { id: 'cmd-1' });
    expect(ota(state, 'a-0').state).toBe('idle');
    state.updateIdentity('a-0', { status: 'enabled' });
    expect(ota(state, 'a-0')).toMatchObject({ commandId: 'cmd-1', state: 'installing' });
  });
});
