/** A hub on a fake clock with virtual devices, and the few moves the tests make on it. */
import { HubState, isObject, type Json, type JsonObject } from '../../../../local-iothub/hub-state';
import { parseFleetProfile, type FleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import { VirtualFleet, type VirtualFleetOptions } from '../../../../local-iothub/virtual-devices/virtual-fleet';

export const t0 = '2030-01-01T00:00:00.000Z';

export function after(ms: number, from = t0): string {
  return new Date(Date.parse(from) + ms).toISOString();
}

export function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

/** 10 ctl-a devices (a-0…a-9) and 10 ctl-b devices (b-0…b-9) on plant-a, all on 1.0.0. */
export function twoModelProfile(behaviors: unknown[] = [], seed?: string): FleetProfile {
  return parseFleetProfile({
    devices: [
      { count: 10, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller' },
      { count: 10, idPrefix: 'b-', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    ],
    behaviors,
    ...(seed === undefined ? {} : { seed }),
  });
}

export class FakeClock {
  ms = Date.parse(t0);
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Hub {
  state: HubState;
  clock: FakeClock;
  fleet: VirtualFleet;
}

/** A hub whose profile devices are provisioned; the fleet is stopped after each test by `stopAll`. */
export function startHub(profile: FleetProfile, options: VirtualFleetOptions = {}, clock = new FakeClock()): Hub {
  const state = new HubState(clock.now);
  const fleet = track(new VirtualFleet(state, profile, options));
  fleet.provision();
  return { state, clock, fleet };
}

/**
 * What a kill -9 and restart leave: a new hub holding copies of the old identities and twins (as persistence
 * restores them) and a new fleet on it; the old fleet is stopped without finishing anything.
 */
export function restart(hub: Hub, profile: FleetProfile, options: VirtualFleetOptions = {}): Hub {
  hub.fleet.stop();
  const state = new HubState(hub.clock.now);
  for (const [id, identity] of hub.state.identities) state.identities.set(id, structuredClone(identity));
  for (const [id, twin] of hub.state.twins) state.twins.set(id, structuredClone(twin));
  const fleet = track(new VirtualFleet(state, profile, options));
  return { state, clock: hub.clock, fleet };
}

const running: VirtualFleet[] = [];
function track(fleet: VirtualFleet): VirtualFleet {
  running.push(fleet);
  return fleet;
}

export function stopAll(): void {
  for (const fleet of running.splice(0)) fleet.stop();
}

export interface Command {
  id: string;
  kind?: 'install' | 'restore';
  update?: { provider?: string; name: string; version: string };
  signedManifest?: string;
  files?: unknown[];
  [key: string]: unknown;
}

/** The service's side: writes `desired.ota.command` as the IoT Hub adapter does. */
export function send(state: HubState, deviceIds: readonly string[], command: Command): void {
  const full = { kind: 'install', rolloutId: 'r-1', update: { provider: 'contoso', name: 'line-controller', version: '2.0.0' }, ...command } as unknown as JsonObject;
  for (const deviceId of deviceIds) state.patchTwin(deviceId, { desired: { ota: { command: full } } });
}

/** The reported `ota` as a reader (the REST front-end, a query) sees it: due installs are settled first. */
export function ota(state: HubState, deviceId: string): JsonObject {
  state.settle();
  const reported = state.requireTwin(deviceId).reported.ota;
  if (!isObject(reported)) throw new Error(`${deviceId} has reported no ota`);
  return reported;
}

export function states(state: HubState, deviceIds: readonly string[]): Json[] {
  return deviceIds.map((id) => ota(state, id).state ?? null);
}
