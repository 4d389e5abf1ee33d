/**
 * The IoT Hub adapter (IotHubFleet) through the unchanged service SDK against the local IoT Hub: queries paged over
 * thousands of twins, dispatch by patches and by jobs reaching each device once, reports read back from the virtual
 * devices, throttling storms absorbed, etags enforced, and the circuit breaker opening and closing as the hub fails
 * and comes back.
 *
 * The main hub runs on a clock 30× fast: its quotas (S1: 20 queries/min) count in hub time, and the adapter is told
 * the same scale, so the test sees S1's quotas as Azure would, in a thirtieth of the time.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createIotHubClients, type IotHubClients } from '../../adapters/iothub/iothub-clients';
import { IotHubFleet, type IotHubFleetOptions } from '../../adapters/iothub/iothub-fleet';
import { FleetUnavailableError, InvalidTargetQueryError, type DesiredVersion } from '../../domain/fleet/fleet-port';
import { startLocalIotHub, type LocalIotHub } from '../../local-iothub';

const scale = 30;
const at = '2026-11-30T10:00:00.000Z';
const ids = (prefix: string, from: number, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);
const install = (commandId: string, version = '2.0.0'): DesiredVersion => ({ commandId, rolloutId: 'r-it', provider: 'contoso', updateName: 'line-controller', version, kind: 'install' });
const commands = (deviceIds: string[], desired: DesiredVersion) => deviceIds.map((deviceId) => ({ deviceId, desired }));
const urlFor = async (p: string) => `https://store.invalid/updates/${p}?sig=ro`;

let dir: string;
let hub: LocalIotHub;
const clients: IotHubClients[] = [];
/** Desired patches each device received (what "reached once" is judged by). */
const desiredPatches = new Map<string, number>();

function scaledClock(factor: number): () => number {
  const start = Date.now();
  return () => start + (Date.now() - start) * factor;
}

function writeProfile(name: string, profile: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

function fleetOf(target: LocalIotHub, options: Partial<IotHubFleetOptions> = {}, connectionString = target.serviceConnectionString): IotHubFleet {
  const built = createIotHubClients({ connectionString, caFile: target.caCertFile });
  clients.push(built);
  return new IotHubFleet({ clients: built, sku: 'S1', units: 1, clockScale: scale, urlFor, ...options });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iothub-fleet-it-'));
  const profile = writeProfile('fleet.json', {
    devices: [
      { count: 1500, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller', software: { bootloader: '1.4.0' } },
      { count: 1500, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    ],
    behaviors: [
      { when: { model: 'ctl-b', version: '2.1.0' }, installFailureRate: 1, installTime: 'PT2S' },
      { when: {}, installTime: 'PT2S' },
    ],
    seed: 'it',
  });
  hub = await startLocalIotHub({ sku: 'S1', units: 1, fleetProfile: profile, now: scaledClock(scale) });
  hub.state.onDesiredPatch((event) => desiredPatches.set(event.deviceId, (desiredPatches.get(event.deviceId) ?? 0) + 1));
});

afterAll(async () => {
  for (const c of clients) c.close();
  await hub?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('queries', () => {
  it('pages a target query over thousands of twins', async () => {
    const fleet = fleetOf(hub);
    const plantA = await fleet.queryDevices({ query: "tags.site = 'plant-a'" });
    expect(plantA).toHaveLength(1500);
    expect(new Set(plantA.map((d) => d.deviceId)).size).toBe(1500);
    expect(plantA.find((d) => d.deviceId === 'a-7')).toEqual({
      deviceId: 'a-7', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', software: { 'line-controller': '1.0.0', bootloader: '1.4.0' },
    });
    expect(await fleet.queryDevices({ query: "tags.site = 'plant-a' OR tags.site = 'plant-b'" })).toHaveLength(3000);
  });

  it('reads listed devices by id in chunks, leaving out ids the hub does not know', async () => {
    const fleet = fleetOf(hub);
    const wanted = [...ids('a-', 0, 1200), ...ids('b-', 0, 1200), 'ghost-1'];
    const devices = await fleet.queryDevices({ deviceIds: wanted });
    expect(devices.map((d) => d.deviceId).sort()).toEqual(wanted.filter((id) => id !== 'ghost-1').sort());
  });

  it('turns a query the hub refuses into InvalidTargetQueryError with the hub\'s reason', async () => {
    const fleet = fleetOf(hub);
    const err = await fleet.queryDevices({ query: "tags.site = = 'x'" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTargetQueryError);
    expect((err as Error).message).toMatch(/^Invalid target query: .+/);
  });
});

describe('device list', () => {
  it('pages the fleet with the hub\'s continuation tokens, filtered by site, model and version', async () => {
    const fleet = fleetOf(hub);
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await fleet.listDevices({ site: 'plant-b', model: 'ctl-b' }, { limit: 400, ...(token ? { continuationToken: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(400);
      for (const device of page.items) {
        expect(device.tags).toMatchObject({ site: 'plant-b', model: 'ctl-b' });
        seen.add(device.deviceId);
      }
      token = page.continuationToken;
      pages++;
    } while (token);
    expect(seen.size).toBe(1500);
    expect(pages).toBe(4);
    expect((await fleet.listDevices({ site: 'plant-a', version: '9.9.9' }, { limit: 10 })).items).toEqual([]);
  });
});

describe.each(['patches', 'job'] as const)('dispatch by %s', (dispatch) => {
  const group = dispatch === 'patches' ? ids('a-', 0, 600) : ids('a-', 600, 600);
  const commandId = `r-it:${dispatch}:install`;

  it('reaches every device once; a re-sent batch counts as already applied; unknown devices are skipped', async () => {
    const fleet = fleetOf(hub, { dispatch });
    expect(await fleet.applyDesired(commands([...group, 'ghost-2'], install(commandId)), at)).toEqual({ sent: 600, alreadyApplied: 0 });
    expect(await fleet.applyDesired(commands(group, install(commandId)), at)).toEqual({ sent: 0, alreadyApplied: 600 });
    expect(group.filter((id) => desiredPatches.get(id) !== 1)).toEqual([]);
    expect(await fleet.getDevice(group[0]!)).toMatchObject({ desiredVersion: '2.0.0', desiredCommandId: commandId });
  });

  it('reads the reports back once the virtual devices have finished', async () => {
    const fleet = fleetOf(hub);
    const reports = await waitFor('every device to succeed', async () => {
      const read = await fleet.readReports(group, at, { commandIds: [commandId] });
      return read.length === group.length && read.every((r) => r.state === 'succeeded') ? read : undefined;
    });
    expect(reports[0]).toEqual({ deviceId: expect.any(String), installedVersion: '2.0.0', state: 'succeeded', healthy: true, lastReportAt: expect.any(String), commandId });
    const unscoped = await fleet.readReports(group.slice(0, 50), at);
    expect(unscoped.map((r) => r.commandId)).toEqual(Array(50).fill(commandId));
  });
});

describe('reports and details', () => {
  it('maps a failed install to a failed report with code: message, and the device details', async () => {
    const fleet = fleetOf(hub);
    const group = ids('b-', 0, 20);
    const commandId = 'r-it:fail:install';
    await fleet.applyDesired(commands(group, install(commandId, '2.1.0')), at);
    const reports = await waitFor('the installs to fail', async () => {
      const read = await fleet.readReports(group, at, { commandIds: [commandId] });
      return read.length === group.length && read.every((r) => r.state === 'failed') ? read : undefined;
    });
    expect(reports[0]).toMatchObject({ installedVersion: '1.0.0', state: 'failed', commandId, error: expect.stringMatching(/^[\w-]+: .+/) });
    expect(await fleet.getDevice('b-0')).toMatchObject({
      deviceId: 'b-0', state: 'failed', desiredCommandId: commandId, commandId, desiredVersion: '2.1.0', installedVersion: '1.0.0', error: reports.find((r) => r.deviceId === 'b-0')!.error,
    });
    expect(await fleet.getDevice('ghost-3')).toBeUndefined();
  });
});

describe('etags', () => {
  it('the hub refuses a twin update on a stale etag (412); the adapter writes unconditionally', async () => {
    const { registry } = fleetOfClients();
    const { responseBody: twin } = await registry.getTwin('b-100');
    await registry.updateTwin('b-100', { tags: { line: 'L1' } }, twin.etag);
    const stale = await registry.updateTwin('b-100', { tags: { line: 'L2' } }, twin.etag).catch((e: unknown) => e);
    expect(stale).toMatchObject({ name: 'InvalidEtagError', response: { statusCode: 412 } });
    expect(await fleetOf(hub).applyDesired(commands(['b-100'], install('r-it:etag:install')), at)).toEqual({ sent: 1, alreadyApplied: 0 });
  });
});

function fleetOfClients(): IotHubClients {
  const built = createIotHubClients({ connectionString: hub.serviceConnectionString, caFile: hub.caCertFile });
  clients.push(built);
  return built;
}

describe('throttling', () => {
  let tiny: LocalIotHub;
  beforeAll(async () => {
    const profile = writeProfile('storm.json', { devices: [{ count: 300, idPrefix: 's-', tags: { site: 'storm' }, installedVersion: '1.0.0' }] });
    // A real-time hub whose twin updates allow 40/s: the adapter, paced for S1's 50/s at 3× its share, overruns it.
    tiny = await startLocalIotHub({ sku: 'S1', units: 1, fleetProfile: profile, quotaOverrides: { twinUpdates: 40, queries: 10 } });
  });
  afterAll(async () => {
    await tiny?.stop();
  });

  it('a 429 storm ends with every device dispatched and no error', async () => {
    const fleet = fleetOf(tiny, { clockScale: 1, quotaShare: 3, patchConcurrency: 32 });
    const result = await fleet.applyDesired(commands(ids('s-', 0, 300), install('r-it:storm:install')), at);
    expect(result).toEqual({ sent: 300, alreadyApplied: 0 });
    expect(tiny.stats().quotas.twinUpdates.throttled).toBeGreaterThan(0);
    expect(fleet.breakerState).toBe('closed');
  }, 120_000);
});

/** A TCP relay in front of the hub that can be cut (every connection reset) and restored. */
async function relay(targetPort: number) {
  let cut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('circuit breaker', () => {
  it('opens when the hub fails mid-dispatch, fails fast with the reason, and closes when the hub is back', async () => {
    const cable = await relay(hub.httpsPort);
    try {
      const viaRelay = hub.serviceConnectionString.replace(/HostName=localhost:\d+/, `HostName=localhost:${cable.port}`);
      const fleet = fleetOf(hub, { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, breaker: { minFailures: 5, windowMs: 10_000, openMs: 1_000, maxOpenMs: 4_000 }, patchConcurrency: 4 }, viaRelay);
      const group = ids('b-', 200, 800);
      const desired = install('r-it:breaker:install');

      const dispatching = fleet.applyDesired(commands(group, desired), at);
      await waitFor('some devices to get the command', async () => (group.filter((id) => desiredPatches.has(id)).length >= 50 ? true : undefined));
      cable.cut();
      const err = await dispatching.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FleetUnavailableError);
      expect((err as FleetUnavailableError).message).toMatch(/^IoT Hub dispatch paused: \d+ errors in 10 s \(last: ECONNRESET\); retrying in 1 s$/);
      expect(fleet.breakerState).toBe('open');
      // Fails fast while open: no connection is even tried.
      await expect(fleet.getDevice('b-0')).rejects.toThrow(/IoT Hub dispatch paused/);

      cable.restore();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const resumed = await fleet.applyDesired(commands(group, desired), at);
      expect(fleet.breakerState).toBe('closed');
      expect(resumed.sent + resumed.alreadyApplied).toBe(800);
      expect(resumed.alreadyApplied).toBeGreaterThanOrEqual(50);
      expect(group.filter((id) => desiredPatches.get(id) !== 1)).toEqual([]);
    } finally {
      await cable.close();
    }
  }, 60_000);

  it('a hub that is not there at all opens the breaker too', async () => {
    const closed = hub.serviceConnectionString.replace(/HostName=localhost:\d+/, 'HostName=localhost:1');
    const fleet = fleetOf(hub, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 }, breaker: { minFailures: 3, openMs: 60_000 } }, closed);
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) errors.push(await fleet.queryDevices({ query: "tags.site = 'plant-a'" }).catch((e: unknown) => e));
    expect(errors.at(-1)).toBeInstanceOf(FleetUnavailableError);
    expect((errors.at(-1) as Error).message).toMatch(/paused: \d+ errors in 30 s \(last: ECONNREFUSED\); retrying in 60 s/);
  });
});
