/**
 * `npm run bench:reports`: memory and time of the inventory (GET /api/inventory) and compliance
 * (GET /api/reports/compliance) reports at two fleet sizes in one run, folded from pages as the API computes them
 * ("folded") next to the way they were computed before: the whole fleet of twins, every rollout and every batch in
 * memory at once ("whole").
 *
 * Per size, the local IoT Hub (S3, clock 20× fast so its query quota is no bottleneck) holds the fleet (3 sites ×
 * 2 models; half the compatible devices on 2.0.0) and the Cosmos stand-in a rollout of 2.0.0 that took those devices
 * there, in batches of 500. Each measurement runs in a fresh child process (`--measure`) holding only the app side
 * (the reports API, the IoT Hub adapter, the Cosmos client): after a warm-up and a full GC, it samples heap and RSS
 * every 2 ms while the report is computed (peak heap above the baseline, garbage included, and peak RSS), then runs
 * it again with a full GC and a sample at every answer of a port (each page of twins, batch, page of a list): the
 * peak live heap, what the report holds with the latest answer in hand.
 * Printed with the wall time, and the ratio large ÷ small of each: the folded reports' live heap should stay nearly
 * flat while the fleet grows tenfold.
 *
 *   node --expose-gc dist/bench/reports-bench.js [--small 2000] [--large 20000]
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HttpRequest } from '@azure/functions';
import { createCosmosClient } from '../adapters/cosmos/cosmos-client';
import { CosmosRolloutStore } from '../adapters/cosmos/rollout-store';
import { CosmosUpdateStore } from '../adapters/cosmos/update-store';
import { createIotHubClients } from '../adapters/iothub/iothub-clients';
import { IotHubFleet } from '../adapters/iothub/iothub-fleet';
import { startCosmos } from '../devhost/standins/cosmos';
import { buildComplianceReport, exposureOf, latestPerName } from '../domain/reports/compliance';
import { buildInventory, inventoryQuery } from '../domain/reports/inventory';
import type { BatchRecord, RolloutRecord } from '../domain/rollouts/rollout-record';
import type { Update } from '../domain/updates/update';
import { createReportsApi } from '../functions/http/reports-api';
import { startLocalIotHub } from '../local-iothub';
import { provisionLocal } from '../scripts/provision-local';
import { mb, round } from './support/figures';

const scale = 20;
const reports = ['inventory', 'compliance'] as const;
const approaches = ['folded', 'whole'] as const;
type Report = (typeof reports)[number];
type Approach = (typeof approaches)[number];

interface Measurement {
  report: Report;
  approach: Approach;
  devices: number;
  /** Peak heap above the baseline while the report runs, garbage not yet collected included. */
  peakHeapMB: number;
  /** Peak live heap above the baseline (a full GC at each port answer, in a second run): what the report holds. */
  peakLiveMB: number;
  peakRssMB: number;
  seconds: number;
  /** What the report counted, to show both approaches saw the same fleet. */
  deviceCount: number;
}

/** How the child reaches the stand-ins the parent runs. */
interface Connection {
  hub: { connectionString: string; caFile: string };
  cosmos: { endpoint: string; key: string; database: string };
  devices: number;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const update = (version: string, createdAt: string): Update => ({
  updateId: { provider: 'contoso', name: 'line-controller', version }, compatibility: [{ model: 'ctl-a' }], files: [], createdAt,
});
const updates = [update('1.0.0', '2026-11-01T00:00:00.000Z'), update('2.0.0', '2026-11-20T00:00:00.000Z')];

// ---- the child: one measurement -------------------------------------------------------------------------------

async function measure(report: Report, approach: Approach, connection: Connection): Promise<Measurement> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const clients = createIotHubClients({ connectionString: connection.hub.connectionString, caFile: connection.hub.caFile });
  const fleet = new IotHubFleet({ clients, sku: 'S3', units: 1, clockScale: scale, urlFor: async (p) => `https://store.invalid/${p}` });
  const cosmos = createCosmosClient({ endpoint: connection.cosmos.endpoint, key: connection.cosmos.key });
  const database = cosmos.database(connection.cosmos.database);
  // Every port call's answer is a point to measure the live heap at: the answer in hand plus all the report holds.
  let live: (() => void) | undefined;
  const deps = {
    fleet: sampling(fleet, () => live?.()),
    rollouts: sampling(new CosmosRolloutStore(database), () => live?.()),
    updates: sampling(new CosmosUpdateStore(database), () => live?.()),
    now: () => new Date(),
  };
  const api = createReportsApi(deps);

  const run = async (): Promise<number> => {
    if (approach === 'folded') {
      const url = `http://127.0.0.1/api/${report === 'inventory' ? 'inventory' : 'reports/compliance'}`;
      const response = await (report === 'inventory' ? api.inventory : api.compliance)(new HttpRequest({ method: 'GET', url }));
      const body = response.jsonBody as { deviceCount?: number; updates?: { eligible: number; exposed: { count: number } }[] };
      return body.deviceCount ?? body.updates!.reduce((sum, u) => sum + u.eligible, 0);
    }
    // As the API computed them before: every twin (whole documents), every rollout and batch, in arrays.
    const devices = await deps.fleet.queryDevices({ query: inventoryQuery({}) });
    if (report === 'inventory') return buildInventory({ devices, filter: {}, generatedAt: new Date().toISOString() }).deviceCount;
    const [all, rollouts] = await Promise.all([deps.updates.list(), deps.rollouts.list()]);
    const withDevices = await Promise.all(rollouts.map(async (r) => ({ id: r.id, devices: (await deps.rollouts.listBatches(r.id)).flatMap((b) => b.devices) })));
    const result = buildComplianceReport({ exposures: latestPerName(all).map((u) => exposureOf({ update: u, devices, rollouts: withDevices, listLimit: 100 })), generatedAt: new Date().toISOString() });
    return result.updates.reduce((sum, u) => sum + u.eligible, 0);
  };

  // Warm-up on the same data: modules loaded, connections open, JIT done; then a clean baseline.
  await run();
  gc();
  gc();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakRss = baseline.rss;
  const sample = () => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const sampler = setInterval(sample, 2);
  const started = process.hrtime.bigint();
  const deviceCount = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sample();
  clearInterval(sampler);

  // Again with a full GC at every answer of a port (each page, batch, list): what the report holds live.
  gc();
  const liveBaseline = process.memoryUsage().heapUsed;
  let peakLive = liveBaseline;
  live = () => {
    gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  };
  await run();
  live = undefined;
  clients.close();
  cosmos.dispose();
  return {
    report, approach, devices: connection.devices, peakHeapMB: mb(peakHeap - baseline.heapUsed), peakLiveMB: round((peakLive - liveBaseline) / 2 ** 20, 1),
    peakRssMB: mb(peakRss), seconds: round(seconds), deviceCount,
  };
}

/** `target` with each method's answer reported to `answered` (while the caller has not taken it yet). */
function sampling<T extends object>(target: T, answered: () => void): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(object, args);
        return result instanceof Promise ? result.then((answer: unknown) => (answered(), answer)) : result;
      };
    },
  });
}

// ---- the parent: stand-ins, data, children --------------------------------------------------------------------

function scaledClock(factor: number): () => number {
  const start = Date.now();
  return () => start + (Date.now() - start) * factor;
}

/** The fleet profile and the rollout that took half the ctl-a devices (the `u-` group) from 1.0.0 to 2.0.0. */
function fixtures(devices: number): { profile: unknown; rollout: RolloutRecord; batches: BatchRecord[] } {
  const perGroup = Math.floor(devices / 8);
  const sites = ['plant-a', 'plant-b', 'plant-c'];
  const groups = [
    ...sites.map((site, i) => ({ count: perGroup, idPrefix: `o${i}-`, tags: { site, model: 'ctl-a' }, installedVersion: '1.0.0' })),
    ...sites.map((site, i) => ({ count: perGroup, idPrefix: `u${i}-`, tags: { site, model: 'ctl-a' }, installedVersion: '2.0.0' })),
    { count: devices - 6 * perGroup, idPrefix: 'b-', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '1.0.0' },
  ].map((g) => ({ ...g, updateName: 'line-controller', software: { bootloader: '1.4.0' } }));
  const updated = sites.flatMap((site, i) => Array.from({ length: perGroup }, (_, k) => ({ deviceId: `u${i}-${k}`, site })));
  const batches: BatchRecord[] = [];
  for (let start = 0; start < updated.length; start += 500) {
    const index = batches.length;
    batches.push({
      id: `ro-bench-w0-b${index}`, rolloutId: 'ro-bench', wave: 0, index, site: updated[start]!.site,
      devices: updated.slice(start, start + 500).map(({ deviceId, site }, k) => ({
        deviceId, fromVersion: '1.0.0', site, model: 'ctl-a', state: 'succeeded', updatedAt: new Date(Date.UTC(2026, 10, 21) + (start + k) * 1000).toISOString(),
      })),
    });
  }
  const rollout: RolloutRecord = {
    id: 'ro-bench',
    spec: {
      updateId: updates[1]!.updateId, target: { query: "tags.model = 'ctl-a'" }, canary: { devices: 1 }, canarySoakMs: 60_000,
      waves: [{ percent: 100, soakMs: 60_000 }], healthCheckIntervalMs: 1_000, deviceTimeoutMs: 30_000, failureThreshold: { percent: 5, minDevices: 10 },
    },
    status: 'Completed', reason: 'done', createdBy: 'bench@contoso.com', createdAt: '2026-11-21T00:00:00.000Z', updatedAt: '2026-11-22T00:00:00.000Z',
    currentWave: 0, approvals: [], targetedCount: updated.length,
    waves: [{
      index: 0, kind: 'wave', status: 'Promoted', deviceCount: updated.length, soakMs: 60_000,
      batches: batches.map((b) => ({ id: b.id, site: b.site, deviceCount: b.devices.length })),
      counts: { pending: 0, dispatched: 0, succeeded: updated.length, failed: 0, unhealthy: 0, silent: 0, restored: 0 },
    }],
  };
  return { profile: { devices: groups, seed: 'reports-bench' }, rollout, batches };
}

async function measureInChild(report: Report, approach: Approach, connection: Connection): Promise<Measurement> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', __filename, '--measure', report, approach, JSON.stringify(connection)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
}

async function runSize(devices: number, cosmos: { endpoint: string; key: string }, dir: string): Promise<Measurement[]> {
  const { profile, rollout, batches } = fixtures(devices);
  const profileFile = path.join(dir, `fleet-${devices}.json`);
  fs.writeFileSync(profileFile, JSON.stringify(profile));
  const database = `bench${devices}`;
  await provisionLocal({ ...cosmos, database });
  const client = createCosmosClient(cosmos);
  const rollouts = new CosmosRolloutStore(client.database(database));
  const store = new CosmosUpdateStore(client.database(database));
  for (const u of updates) await store.put(u);
  await rollouts.create(rollout);
  await rollouts.putBatches(batches);
  client.dispose();

  const hub = await startLocalIotHub({ sku: 'S3', units: 1, fleetProfile: profileFile, now: scaledClock(scale) });
  try {
    const connection: Connection = { hub: { connectionString: hub.serviceConnectionString, caFile: hub.caCertFile }, cosmos: { ...cosmos, database }, devices };
    const results: Measurement[] = [];
    for (const report of reports) {
      for (const approach of approaches) {
        const result = await measureInChild(report, approach, connection);
        console.log(`  ${String(devices).padStart(6)} devices  ${report.padEnd(10)} ${approach.padEnd(6)}  live +${result.peakLiveMB} MB  heap +${result.peakHeapMB} MB  RSS ${result.peakRssMB} MB  ${result.seconds} s`);
        results.push(result);
      }
    }
    return results;
  } finally {
    await hub.stop();
  }
}

async function main(): Promise<void> {
  const small = Number(option('--small') ?? 2000);
  const large = Number(option('--large') ?? 20000);
  if (!(Number.isInteger(small) && Number.isInteger(large) && small >= 8 && large > small)) throw new Error('usage: reports-bench [--small 2000] [--large 20000]');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-bench-'));
  const cosmos = await startCosmos();
  try {
    console.log(`reports bench: ${small} and ${large} devices (each figure from a fresh process; heap = peak above the warmed-up baseline)`);
    const results = [...(await runSize(small, cosmos, dir)), ...(await runSize(large, cosmos, dir))];
    const at = (size: number, report: Report, approach: Approach) => results.find((r) => r.devices === size && r.report === report && r.approach === approach)!;
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 1) : null);
    const summary = reports.flatMap((report) => approaches.map((approach) => {
      const [s, l] = [at(small, report, approach), at(large, report, approach)];
      return {
        report, approach,
        [`liveMB@${small}`]: s.peakLiveMB, [`liveMB@${large}`]: l.peakLiveMB, liveRatio: ratio(l.peakLiveMB, s.peakLiveMB),
        [`heapMB@${small}`]: s.peakHeapMB, [`heapMB@${large}`]: l.peakHeapMB, heapRatio: ratio(l.peakHeapMB, s.peakHeapMB),
        [`rssMB@${small}`]: s.peakRssMB, [`rssMB@${large}`]: l.peakRssMB, rssRatio: ratio(l.peakRssMB, s.peakRssMB),
        [`s@${small}`]: s.seconds, [`s@${large}`]: l.seconds, timeRatio: ratio(l.seconds, s.seconds),
        sameCounts: s.deviceCount === at(small, report, 'folded').deviceCount && l.deviceCount === at(large, report, 'folded').deviceCount,
      };
    }));
    console.table(summary);
    console.log(JSON.stringify({ bench: 'reports', small, large, summary }));
  } finally {
    await cosmos.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') {
  const [report, approach, connection] = process.argv.slice(3) as [Report, Approach, string];
  measure(report, approach, JSON.parse(connection) as Connection).then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
