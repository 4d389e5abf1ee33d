/**
 * Reports folded from pages against the real stand-ins: the local IoT Hub (3,000 twins: three query pages of 1,000,
 * read through the projected summary query) and the Cosmos stand-in (updates, a rollout and its batches). Each
 * report must give the same totals as one computed from the whole fleet and every batch in one go.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { CosmosRolloutStore } from '../../adapters/cosmos/rollout-store';
import { CosmosUpdateStore } from '../../adapters/cosmos/update-store';
import { createIotHubClients, type IotHubClients } from '../../adapters/iothub/iothub-clients';
import { IotHubFleet } from '../../adapters/iothub/iothub-fleet';
import type { DeviceSummary } from '../../domain/fleet/device';
import { buildComplianceReport, exposureOf, latestPerName } from '../../domain/reports/compliance';
import { buildInventory, inventoryQuery, type InventoryReport } from '../../domain/reports/inventory';
import type { BatchRecord, RolloutRecord } from '../../domain/rollouts/rollout-record';
import type { Update } from '../../domain/updates/update';
import { createReportsApi } from '../../functions/http/reports-api';
import { startLocalIotHub, type LocalIotHub } from '../../local-iothub';
import { useProvisionedCosmos } from '../support/cosmos-database';

const scale = 30;
const now = new Date('2026-12-01T12:00:00.000Z');
const provisioned = useProvisionedCosmos();

let dir: string;
let hub: LocalIotHub;
let clients: IotHubClients;
let fleet: IotHubFleet;
let api: ReturnType<typeof createReportsApi>;

const update = (version: string, createdAt: string): Update => ({
  updateId: { provider: 'contoso', name: 'line-controller', version }, compatibility: [{ model: 'ctl-a' }], files: [], createdAt,
});
const lc1 = update('1.0.0', '2026-11-01T00:00:00.000Z');
const lc2 = update('2.0.0', '2026-11-20T00:00:00.000Z');

/** The c- devices run 2.0.0 because this rollout took them there from 1.0.0: two batches, most confirmed. */
const rolledOut = Array.from({ length: 700 }, (_, i) => `c-${i}`);
const batches: BatchRecord[] = [rolledOut.slice(0, 350), rolledOut.slice(350)].map((ids, index) => ({
  id: `ro-1-w0-b${index}`, rolloutId: 'ro-1', wave: 0, index, site: 'plant-a',
  devices: ids.map((deviceId, k) => ({
    deviceId, fromVersion: '1.0.0', site: 'plant-a', model: 'ctl-a',
    state: k % 50 === 0 ? 'dispatched' : 'succeeded', updatedAt: new Date(Date.UTC(2026, 10, 21, 0, index * 350 + k)).toISOString(),
  })),
}));
const rollout: RolloutRecord = {
  id: 'ro-1',
  spec: {
    updateId: lc2.updateId, target: { query: "tags.model = 'ctl-a'" }, canary: { devices: 1 }, canarySoakMs: 60_000,
    waves: [{ percent: 100, soakMs: 60_000 }], healthCheckIntervalMs: 1_000, deviceTimeoutMs: 30_000, failureThreshold: { percent: 5, minDevices: 10 },
  },
  status: 'Completed', reason: 'done', createdBy: 'ops@contoso.com', createdAt: '2026-11-21T00:00:00.000Z', updatedAt: '2026-11-22T00:00:00.000Z',
  currentWave: 0, approvals: [], targetedCount: 700,
  waves: [{
    index: 0, kind: 'wave', status: 'Promoted', deviceCount: 700, soakMs: 60_000,
    batches: batches.map((b) => ({ id: b.id, site: b.site, deviceCount: b.devices.length })),
    counts: { pending: 0, dispatched: 14, succeeded: 686, failed: 0, unhealthy: 0, silent: 0, restored: 0 },
  }],
};

function scaledClock(factor: number): () => number {
  const start = Date.now();
  return () => start + (Date.now() - start) * factor;
}

function get(route: 'inventory' | 'compliance', query = ''): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://127.0.0.1/api/${route === 'inventory' ? 'inventory' : 'reports/compliance'}${query}` });
}

const json = <T>(response: HttpResponseInit): T => {
  expect(response.status).toBe(200);
  return response.jsonBody as T;
};

/** The whole fleet in one array, the way the reports read it before they folded pages. */
const wholeFleet = (query: string): Promise<DeviceSummary[]> => fleet.queryDevices({ query });

/** Every item of a paged read, and how many pages it took. */
async function readAll(read: typeof fleet.listDevices, filter: Parameters<typeof fleet.listDevices>[0]): Promise<{ items: DeviceSummary[]; pages: number }> {
  const items: DeviceSummary[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await read(filter, { limit: 1000, ...(token ? { continuationToken: token } : {}) });
    items.push(...page.items);
    token = page.continuationToken;
    pages++;
  } while (token);
  return { items, pages };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-paging-it-'));
  const profile = path.join(dir, 'fleet.json');
  fs.writeFileSync(profile, JSON.stringify({
    devices: [
      { count: 1300, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller', software: { bootloader: '1.4.0' } },
      { count: 700, idPrefix: 'c-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '2.0.0', updateName: 'line-controller' },
      { count: 1000, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    ],
    seed: 'reports',
  }));
  hub = await startLocalIotHub({ sku: 'S1', units: 1, fleetProfile: profile, now: scaledClock(scale) });
  clients = createIotHubClients({ connectionString: hub.serviceConnectionString, caFile: hub.caCertFile });
  fleet = new IotHubFleet({ clients, sku: 'S1', units: 1, clockScale: scale, urlFor: async (p) => `https://store.invalid/${p}` });

  const updates = new CosmosUpdateStore(provisioned());
  const rollouts = new CosmosRolloutStore(provisioned());
  for (const u of [lc1, lc2]) await updates.put(u);
  await rollouts.create(rollout);
  await rollouts.putBatches(batches);
  api = createReportsApi({ fleet, rollouts, updates, now: () => now });
}, 120_000);

afterAll(async () => {
  clients?.close();
  await hub?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the projected summary read', () => {
  it('pages the same summaries as whole twins do, software included, with continuation', async () => {
    for (const filter of [{}, { site: 'plant-a', version: '1.0.0' }]) {
      const projected = await readAll((f, p) => fleet.listDeviceSummaries(f, p), filter);
      const whole = await readAll((f, p) => fleet.listDevices(f, p), filter);
      expect(projected).toEqual(whole);
      expect(projected.pages).toBeGreaterThan(1);
    }
    const [first] = (await fleet.listDeviceSummaries({ site: 'plant-a', model: 'ctl-a', version: '1.0.0' }, { limit: 1 })).items;
    expect(first).toEqual({ deviceId: expect.stringMatching(/^a-/), tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', software: { 'line-controller': '1.0.0', bootloader: '1.4.0' } });
  }, 60_000);
});

describe('inventory over more devices than one page', () => {
  it.each<[string, string, string]>([
    ['the whole fleet', '', inventoryQuery({})],
    ['one site', '?site=plant-a', inventoryQuery({ site: 'plant-a' })],
  ])('%s: the same totals as the whole fleet read at once, the device list capped at 1000', async (_, query, whole) => {
    const report = json<InventoryReport>(await api.inventory(get('inventory', query)));
    const expected = buildInventory({ devices: await wholeFleet(whole), filter: report.filter, generatedAt: now.toISOString() });
    const { devices, deviceList, ...totals } = report;
    const { devices: allDevices, deviceList: _list, ...expectedTotals } = expected;
    expect(totals).toEqual(expectedTotals);
    expect(report.deviceCount).toBeGreaterThan(1000);
    expect(devices).toEqual(allDevices.slice(0, 1000));
    expect(deviceList).toEqual({ limit: 1000, listed: 1000, capped: true, all: `/api/devices${query}` });
  }, 60_000);

  it('counts per site, model and version add up to every device', async () => {
    const report = json<InventoryReport>(await api.inventory(get('inventory')));
    expect(report.groups).toEqual([
      { site: 'plant-a', model: 'ctl-a', version: '2.0.0', devices: 700 },
      { site: 'plant-a', model: 'ctl-a', version: '1.0.0', devices: 1300 },
      { site: 'plant-b', model: 'ctl-b', version: '1.0.0', devices: 1000 },
    ]);
  }, 60_000);

  it('the CSV device table is capped too, and its download says so', async () => {
    const response = await api.inventory(get('inventory', '?format=csv'));
    expect(response.status).toBe(200);
    expect(String(response.body).trim().split('\n')).toHaveLength(1 + 1000);
    expect((response.headers as Record<string, string>)['X-Report-Note']).toBe('First 1000 of 3000 devices by id; GET /api/devices lists every device, a page at a time.');
  }, 60_000);
});

describe('compliance folded from batches and fleet pages', () => {
  it('gives the exposure computed from the whole fleet and every batch at once', async () => {
    const report = json<ReturnType<typeof buildComplianceReport>>(await api.compliance(get('compliance')));
    const devices = await wholeFleet(inventoryQuery({}));
    const expected = buildComplianceReport({
      exposures: latestPerName([lc1, lc2]).map((u) => exposureOf({ update: u, devices, rollouts: [{ id: 'ro-1', devices: batches.flatMap((b) => b.devices) }], listLimit: 100 })),
      generatedAt: now.toISOString(),
      exposedListLimit: 100,
    });
    expect(report).toEqual(expected);
    expect(report.updates[0]).toMatchObject({ eligible: 2000, updated: 686, unconfirmed: 14, exposed: { count: 1300, capped: true } });
    expect(report.updates[0]!.exposed.deviceIds).toHaveLength(100);
  }, 60_000);

  it('points to a paged device list holding every exposed device of each group', async () => {
    const report = json<ReturnType<typeof buildComplianceReport>>(await api.compliance(get('compliance')));
    expect(report.updates[0]!.exposedGroups).toEqual([{ compatibility: { model: 'ctl-a' }, version: '1.0.0', devices: 1300, list: '/api/devices?model=ctl-a&version=1.0.0' }]);
    const listed = await readAll((f, p) => fleet.listDevices(f, p), { model: 'ctl-a', version: '1.0.0' });
    expect(new Set(listed.items.map((d) => d.deviceId)).size).toBe(1300);
  }, 60_000);
});
