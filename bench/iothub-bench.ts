/**
 * `npm run bench:iothub`: rollouts of 100,000 virtual devices through the local IoT Hub, at S1 × 1 and S3 × 1, as
 * `npm start` runs the service (dist/scripts/start-local.js: Azurite, the Cosmos stand-in, the local IoT Hub with the
 * devices, the app on the devhost with the production IoT Hub adapter), driven through the app's HTTP API.
 *
 * Per tier, one stack of N devices (3 sites × 2 models, all on 1.0.0):
 *  1. a rollout of 2.0.0 to every device (canary 1 %, waves 10/25/50/100 %, soaks PT1H, checks PT5M) that completes:
 *     - dispatch rate ÷ quota: twin updates ÷ the hub seconds in which any twin update was admitted, over the tier's
 *       twin-update quota (the operation the adapter's default `patches` mode uses); goal ≥ 0.95;
 *     - throttled requests: the hub's 429s over every class; goal 0;
 *     - orchestration history events (rollout and wave instances), compared with a stack of 10,000; goal: equal;
 *     - peak memory of start-local's process tree (hub, host, app and Cosmos stand-in share one process; Azurite
 *       apart); the hub's own peak is measured alone first (standInPeak below), goal ≤ 1 GB;
 *  2. a rollout of 2.1.0 whose canary fails (30 % of ctl-b installs fail, limit `count: 20`, checks PT1M): the time
 *     from the moment the 20th failure is reported to the first restore command, in hub time (polled every 100 ms of
 *     real time through the hub's unthrottled admin API); goal ≤ one health interval + 5 s.
 * The hub clock is the host clock, run faster (`--time-scale`, per tier so the real rate stays near 500 patches a
 * second) and skipping idle time; quotas count in hub time, so they scale with it, and the app paces to them.
 *
 *   node dist/bench/iothub-bench.js [--devices 100000] [--small 10000] [--tiers S1,S3] [--timeout <seconds>]
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createSas } from '../local-iothub/sas';
import { killChildrenOnExit, root, startChild, type Child } from './support/processes';
import { call, expectStatus, historyOf, sleep, type Json } from './support/http';
import { memoryFigures, round } from './support/figures';
import { createIotHubClients } from '../adapters/iothub/iothub-clients';
import { IotHubFleet } from '../adapters/iothub/iothub-fleet';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const devices = Number(option('--devices') ?? 100_000);
const small = Number(option('--small') ?? 10_000);
const tiers = (option('--tiers') ?? 'S1,S3').split(',') as ('S1' | 'S2' | 'S3')[];
const timeoutSeconds = Number(option('--timeout') ?? 1800);
/** Hub seconds per real second per tier: twin-update quota × scale ≈ 500 patches a real second. */
const timeScale: Record<string, number> = { S1: 10, S2: 10, S3: 2 };
const twinUpdateQuota: Record<string, number> = { S1: 50, S2: 50, S3: 250 };
const quotaShare = 0.98;

const sites = ['plant-a', 'plant-b', 'plant-c'];
const models = ['ctl-a', 'ctl-b'];
const update = (version: string) => ({ provider: 'contoso', name: 'line-controller', version });
const failingLimit = 20;

function profile(count: number): unknown {
  const combos = sites.flatMap((site) => models.map((model) => ({ site, model })));
  return {
    devices: combos.map(({ site, model }, i) => ({
      count: Math.floor(count / combos.length) + (i < count % combos.length ? 1 : 0),
      idPrefix: `${site.slice(-1)}${model.slice(-1)}-`,
      tags: { site, model },
      installedVersion: '1.0.0',
      updateName: 'line-controller',
    })),
    behaviors: [{ when: { model: 'ctl-b', version: '2.1.0' }, installFailureRate: 0.3 }],
    // The bench measures the hub's service API: no health messages to route.
    healthTelemetry: false,
    seed: 'bench',
  };
}

// ---- the hub's admin API ------------------------------------------------------------------------------------------

interface HubInfo { serviceConnectionString: string; httpsPort: number; caCertFile: string }

/** The hub's CA by file: read once, not on every poll. */
const cas = new Map<string, Buffer>();

function hubGet(info: HubInfo, route: string): Promise<Json> {
  let ca = cas.get(info.caCertFile);
  if (!ca) cas.set(info.caCertFile, (ca = fs.readFileSync(info.caCertFile)));
  const key = /SharedAccessKey=([^;]+)/.exec(info.serviceConnectionString)![1]!;
  const token = createSas('localhost', key, Math.floor(Date.now() / 1000) + 3600, 'iothubowner');
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', servername: 'localhost', port: info.httpsPort, path: route, ca, headers: { authorization: token } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`hub ${route}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
  });
}

const countTwins = (info: HubInfo, where: string): Promise<{ count: number; hubTime: string }> =>
  hubGet(info, `/admin/twins/count?where=${encodeURIComponent(where)}`);

// ---- a stack ------------------------------------------------------------------------------------------------------

interface Stack { child: Child; api: string; hub: HubInfo }

async function startStack(sku: string, count: number, dir: string): Promise<Stack> {
  const file = path.join(dir, `fleet-${count}.json`);
  fs.writeFileSync(file, JSON.stringify(profile(count)));
  const child = await startChild(
    [path.join(root, 'dist/scripts/start-local.js'), '--port', '0', '--fleet', file, '--time-skip', '--time-scale', String(timeScale[sku]),
      '--iothub-sku', sku, '--iothub-units', '1', '--iothub-quota-share', String(quotaShare)],
    {}, /running: (http:\/\/127\.0\.0\.1:\d+)\/api\/health/, 'start-local',
  );
  const infoFile = /IoT Hub connection info[^:]*: (\S+)/.exec(child.logTail())?.[1];
  if (!infoFile) throw new Error(`start-local printed no IoT Hub connection info:\n${child.logTail()}`);
  const api = `${child.base}/api`;
  for (const version of ['2.0.0', '2.1.0']) {
    await expectStatus(`POST /api/updates ${version}`, 201, call(`${api}/updates`, 'POST', {
      updateId: update(version), compatibility: models.map((model) => ({ model })),
      files: [{ fileName: `line-controller-${version}.swu`, sizeInBytes: 1024, hashes: { sha256: 'bm90LWEtcmVhbC1oYXNo' } }],
    }));
  }
  return { child, api, hub: JSON.parse(fs.readFileSync(infoFile, 'utf8')) };
}

async function rollout(stack: Stack, body: Record<string, unknown>, until: string[], onPoll?: () => Promise<void>): Promise<Json> {
  const created = await expectStatus('POST /api/rollouts', 201, call(`${stack.api}/rollouts`, 'POST', {
    target: { query: `tags.site IN [${sites.map((s) => `'${s}'`).join(', ')}]` }, deviceTimeout: 'PT30M', ...body,
  }));
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    await onPoll?.();
    const state = await expectStatus('GET rollout', 200, call(`${stack.api}/rollouts/${encodeURIComponent(created.id)}`));
    if (until.includes(state.status)) return state;
    if (performance.now() > deadline) throw new Error(`rollout not done after ${timeoutSeconds} s: ${JSON.stringify(state).slice(0, 1500)}`);
    await sleep(onPoll ? 100 : 500);
  }
}

const completing = {
  updateId: update('2.0.0'), canary: { percent: 1 }, canarySoak: 'PT1H',
  waves: [10, 25, 50, 100].map((percent) => ({ percent, soak: 'PT1H' })), healthCheckInterval: 'PT5M',
  failureThreshold: { percent: 5, minDevices: 10 },
};

async function historyEvents(stack: Stack, done: Json): Promise<{ events: number; perWave: string }> {
  const waveIds = (done.waves as Json[]).map((w) => `${done.id}:wave:${w.index}`);
  const history = await historyOf(stack.child.base, [done.id, ...waveIds]);
  // Per wave: events (batches dispatched / health checks), so a difference between sizes can be read off.
  const perWave = waveIds.map((id) => `${history.byInstance[id]} (${history.scheduled[id]?.dispatchBatch ?? 0}/${history.scheduled[id]?.assessWave ?? 0})`).join(', ');
  return { events: history.events, perWave };
}

async function completeRollout(stack: Stack, count: number): Promise<{ wallSeconds: number; historyEvents: number; perWave: string }> {
  const started = performance.now();
  const done = await rollout(stack, completing, ['Completed', 'RolledBack', 'Failed', 'Cancelled']);
  if (done.status !== 'Completed' || done.counts?.succeeded !== count) throw new Error(`rollout of ${count} ended ${done.status}: ${done.reason} ${JSON.stringify(done.counts)}`);
  const history = await historyEvents(stack, done);
  return { wallSeconds: round((performance.now() - started) / 1000), historyEvents: history.events, perWave: history.perWave };
}

/** Hub time from the `failingLimit`-th reported failure of 2.1.0 to the first restore command. */
async function restoreLatency(stack: Stack, intervalMs: number): Promise<Record<string, unknown>> {
  let crossedAt: string | undefined;
  let restoreAt: string | undefined;
  const poll = async () => {
    if (!crossedAt) {
      const failed = await countTwins(stack.hub, "properties.reported.ota.state = 'failed' AND properties.desired.ota.command.update.version = '2.1.0'");
      if (failed.count >= failingLimit) crossedAt = failed.hubTime;
    }
    if (!restoreAt) {
      const restoring = await countTwins(stack.hub, "properties.desired.ota.command.kind = 'restore'");
      if (restoring.count > 0) restoreAt = restoring.hubTime;
    }
  };
  const done = await rollout(stack, {
    updateId: update('2.1.0'), canary: { percent: 1 }, canarySoak: 'PT1H', waves: [{ percent: 100, soak: 'PT1H' }],
    healthCheckInterval: `PT${intervalMs / 1000}S`, failureThreshold: { count: failingLimit },
  }, ['RolledBack', 'Failed', 'Completed', 'Cancelled'], poll);
  if (!crossedAt || !restoreAt) throw new Error(`failing rollout ended ${done.status} without a crossing (${crossedAt}) or a restore (${restoreAt}): ${done.reason}`);
  const latencySeconds = (Date.parse(restoreAt) - Date.parse(crossedAt)) / 1000;
  return { status: done.status, crossedAt, firstRestoreAt: restoreAt, latencySeconds, healthIntervalSeconds: intervalMs / 1000, goalSeconds: intervalMs / 1000 + 5 };
}

async function runTier(sku: 'S1' | 'S2' | 'S3', dir: string): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = { tier: `${sku} x 1`, devices, timeScale: timeScale[sku], quotaShare };
  let stack = await startStack(sku, devices, dir);
  try {
    const big = await completeRollout(stack, devices);
    const stats = await hubGet(stack.hub, '/admin/stats');
    const updates = stats.quotas.twinUpdates;
    const rate = updates.requests / Math.max(1, updates.activeSeconds);
    figures.wallSeconds = big.wallSeconds;
    figures.twinUpdates = updates.requests;
    figures.dispatchRatePerHubSecond = round(rate, 1);
    figures.twinUpdateQuota = twinUpdateQuota[sku];
    figures.dispatchRateOverQuota = round(rate / twinUpdateQuota[sku]!, 3);
    figures.throttledByClass = Object.fromEntries(Object.entries(stats.quotas as Record<string, { throttled: number }>).filter(([, q]) => q.throttled > 0).map(([k, q]) => [k, q.throttled]));
    figures.throttled = Object.values(stats.quotas as Record<string, { throttled: number }>).reduce((n, q) => n + q.throttled, 0);
    figures.queries = stats.quotas.queries.requests;
    figures.historyEvents = big.historyEvents;
    figures.historyPerWave = big.perWave;
    figures.restore = await restoreLatency(stack, 60_000);
    Object.assign(figures, memoryFigures(stack.child));
  } catch (err) {
    throw new Error(`${sku}: ${err instanceof Error ? err.message : String(err)}\n--- start-local log (tail) ---\n${stack.child.logTail().slice(-4000)}`);
  } finally {
    await stack.child.stop();
  }
  stack = await startStack(sku, small, dir);
  try {
    const smaller = await completeRollout(stack, small);
    figures[`historyEventsAt${small}`] = smaller.historyEvents;
    figures[`historyPerWaveAt${small}`] = smaller.perWave;
  } finally {
    await stack.child.stop();
  }
  return figures;
}

/**
 * The stand-in alone (its own process, `npm run iothub`), under what a rollout of every device asks of it through the
 * production adapter: the whole fleet queried, a command to every device, every report read back. Its peak RSS is
 * the hub's memory figure; in the rollouts above it shares a process with the host, the app and the Cosmos stand-in.
 */
async function standInPeak(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, `fleet-alone-${devices}.json`);
  fs.writeFileSync(file, JSON.stringify(profile(devices)));
  const hub = await startChild([path.join(root, 'dist/local-iothub/cli.js'), '--fleet', file, '--sku', 'S3', '--units', '10', '--quiet'],
    {}, /local IoT Hub ready (\{.*\})/, 'local IoT Hub');
  const info = JSON.parse(hub.base) as HubInfo;
  const clients = createIotHubClients({ connectionString: info.serviceConnectionString, caFile: info.caCertFile });
  try {
    const fleet = new IotHubFleet({ clients, sku: 'S3', units: 10, urlFor: async (p) => p, quotaShare: quotaShare });
    const started = performance.now();
    const all = await fleet.queryDevices({ query: 'SELECT * FROM devices' });
    const commandId = 'alone:install';
    const desired = { commandId, rolloutId: 'alone', provider: 'contoso', updateName: 'line-controller', version: '2.0.0', kind: 'install' as const };
    const sent = await fleet.applyDesired(all.map((d) => ({ deviceId: d.deviceId, desired })), new Date().toISOString(), { firstSend: true });
    await sleep(1500); // installs take 0.5 s of hub time
    const reports = await fleet.readReports(all.map((d) => d.deviceId), new Date().toISOString(), { commandIds: [commandId] });
    const memory = memoryFigures(hub);
    return { devices: all.length, sent: sent.sent, succeeded: reports.filter((r) => r.state === 'succeeded').length, seconds: round((performance.now() - started) / 1000), peakRssMB: memory.peakRssMB };
  } finally {
    clients.close();
    await hub.stop();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iothub-bench-'));
  killChildrenOnExit(() => fs.rmSync(dir, { recursive: true, force: true }));
  const results: Record<string, unknown>[] = [];
  let alone: Record<string, unknown>;
  try {
    alone = await standInPeak(dir);
    console.log(JSON.stringify({ standInAlone: alone }));
    for (const sku of tiers) {
      const figures = await runTier(sku, dir);
      results.push(figures);
      console.log(JSON.stringify(figures));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`the stand-in alone with ${alone.devices} devices (query all, command all, read all back): peak RSS ${alone.peakRssMB} MB (goal <= 1024 MB: ${verdict(Number(alone.peakRssMB) <= 1024)})`);
  for (const f of results) {
    const restore = f.restore as { latencySeconds: number; goalSeconds: number };
    console.log(`${f.tier}: dispatch rate / quota = ${f.dispatchRateOverQuota} (goal >= 0.95: ${verdict(Number(f.dispatchRateOverQuota) >= 0.95)}); ` +
      `throttled requests = ${f.throttled} (goal 0: ${verdict(f.throttled === 0)}); ` +
      `threshold crossed -> first restore = ${round(restore.latencySeconds, 1)} s hub time (goal <= ${restore.goalSeconds} s: ${verdict(restore.latencySeconds <= restore.goalSeconds)}); ` +
      `peak memory of start-local (hub, host, app and Cosmos stand-in in one process) = ${f.peakRssMB} MB; ` +
      `history events ${devices} vs ${small}: ${f.historyEvents} vs ${f[`historyEventsAt${small}`]} (goal equal: ${verdict(f.historyEvents === f[`historyEventsAt${small}`])})`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
