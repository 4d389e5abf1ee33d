/**
 * `npm run bench:rollout`: a rollout of 10,000 and of 100,000 simulated devices (3 sites, 2 models, all on 1.0.0, no
 * failures), canary 1 % then waves of 10 / 25 / 50 / 100 %, every soak PT1H, health checks every PT5M, in virtual
 * time (the devhost jumps its durable clock to the next timer whenever nothing can run).
 *
 *  - design "waves+batches": the real service, as `npm start` runs it (dist/scripts/start-local.js: Azurite, the Cosmos
 *    stand-in, provisioning, the app on the devhost) with --fleet and --time-skip, driven through its HTTP API
 *    (POST /api/updates, POST /api/rollouts, GET /api/rollouts/{id} until Completed);
 *  - design "naive one-activity-per-device": bench/rollout-app on the devhost CLI: one orchestration, per wave one
 *    activity per device to dispatch it, the soak on a durable timer, then one activity per device to check it.
 *
 * Both run as child processes (each in its own process group); the peak RSS is the sum of the VmHWM of every process of
 * the child's tree (sampled while it runs, read before the history is fetched). History events are counted through the
 * durable HTTP API: the rollout instance plus its wave sub-orchestrations. Prints one JSON line per run, then the goals.
 *
 *   node dist/bench/rollout-bench.js [--sizes 10000,100000] [--naive-limit <seconds>] [--timeout <seconds>]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killChildrenOnExit, killGroup, root, running, startChild } from './support/processes';
import { call, expectStatus, historyOf, hostMetrics, sleep, type Json } from './support/http';
import { mb, memoryFigures, round, type Figures } from './support/figures';
const naiveApp = path.join(root, 'bench/rollout-app');

// ---- settings ---------------------------------------------------------------------------------------------------

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const sizes = (option('--sizes') ?? '10000,100000').split(',').map(Number);
/** The naive design's time budget per size; past it the run is stopped and reported as capped, with what it reached. */
const naiveLimitSeconds = Number(option('--naive-limit') ?? 60);
/** The real design's time budget per size (a failure past it). */
const timeoutSeconds = Number(option('--timeout') ?? 600);
if (sizes.some((n) => !Number.isInteger(n) || n < 6) || !(naiveLimitSeconds > 0) || !(timeoutSeconds > 0)) {
  throw new Error('usage: rollout-bench [--sizes 10000,100000] [--naive-limit <seconds>] [--timeout <seconds>]');
}

const sites = ['plant-a', 'plant-b', 'plant-c'];
const models = ['ctl-a', 'ctl-b'];
const canaryPercent = 1;
const wavePercents = [10, 25, 50, 100];
const soak = 'PT1H';
const soakMs = 3_600_000;
const healthCheckInterval = 'PT5M';
const healthCheckIntervalMs = 300_000;
const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
const shape = `canary ${canaryPercent} %, waves ${wavePercents.join('/')} %, soaks ${soak}, healthCheckInterval ${healthCheckInterval}`;

// ---- fleet profiles -----------------------------------------------------------------------------------------------

interface DeviceGroup {
  count: number;
  idPrefix: string;
  tags: Record<string, string>;
  installedVersion: string;
}

/** 3 sites × 2 models, `devices` spread evenly over the 6 groups, all on 1.0.0; no behaviours, so every install succeeds. */
function fleetGroups(devices: number): DeviceGroup[] {
  const combos = sites.flatMap((site) => models.map((model) => ({ site, model })));
  return combos.map(({ site, model }, i) => ({
    count: Math.floor(devices / combos.length) + (i < devices % combos.length ? 1 : 0),
    idPrefix: `${site.slice(-1)}${model.slice(-1)}-`,
    tags: { site, model },
    installedVersion: '1.0.0',
  }));
}

// ---- the real design --------------------------------------------------------------------------------------------

async function runWavesAndBatches(devices: number, profile: string): Promise<Figures> {
  const spawned = performance.now();
  const stack = await startChild(
    [path.join(root, 'dist/scripts/start-local.js'), '--port', '0', '--fleet', profile, '--time-skip'],
    {}, /running: (http:\/\/127\.0\.0\.1:\d+)\/api\/health/, 'start-local',
  );
  try {
    const startSeconds = (performance.now() - spawned) / 1000;
    const api = `${stack.base}/api`;
    await expectStatus('POST /api/updates', 201, call(`${api}/updates`, 'POST', {
      updateId, compatibility: models.map((model) => ({ model })),
      files: [{ fileName: 'line-controller-2.0.0.swu', sizeInBytes: 1024, hashes: { sha256: 'bm90LWEtcmVhbC1oYXNo' } }],
    }));
    await call(`${stack.base}/admin/host/metrics/reset`, 'POST');

    const started = performance.now();
    const created = await expectStatus('POST /api/rollouts', 201, call(`${api}/rollouts`, 'POST', {
      updateId,
      target: { query: `tags.site IN [${sites.map((s) => `'${s}'`).join(', ')}]` },
      canary: { percent: canaryPercent },
      canarySoak: soak,
      waves: wavePercents.map((percent) => ({ percent, soak })),
      healthCheckInterval,
      deviceTimeout: 'PT30M',
      failureThreshold: { percent: 5, minDevices: 10 },
    }));
    const rolloutId = String(created.id);
    const deadline = started + timeoutSeconds * 1000;
    let rollout: Json;
    for (;;) {
      rollout = await expectStatus(`GET /api/rollouts/${rolloutId}`, 200, call(`${api}/rollouts/${encodeURIComponent(rolloutId)}`));
      if (['Completed', 'RolledBack', 'Failed', 'Cancelled', 'Rejected', 'Expired'].includes(rollout.status)) break;
      if (performance.now() > deadline) throw new Error(`rollout of ${devices} devices not done after ${timeoutSeconds} s: ${JSON.stringify(rollout).slice(0, 2000)}`);
      await sleep(200);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    if (rollout.status !== 'Completed') throw new Error(`rollout of ${devices} devices ended ${rollout.status}: ${rollout.reason}`);
    if (rollout.counts?.succeeded !== devices) throw new Error(`rollout of ${devices} devices completed with counts ${JSON.stringify(rollout.counts)}`);
    const memory = memoryFigures(stack);
    const metrics = await hostMetrics(stack.base);

    const waves: Json[] = rollout.waves ?? [];
    const instanceIds = [rolloutId, ...waves.map((w) => `${rolloutId}:wave:${w.index}`)];
    const listed = await expectStatus('instances', 200, call(`${stack.base}/runtime/webhooks/durabletask/instances?instanceIdPrefix=${encodeURIComponent(rolloutId)}&showInput=false&top=1000`));
    const history = await historyOf(stack.base, instanceIds);
    const waveIds = instanceIds.slice(1);
    return {
      design: 'waves+batches',
      devices,
      wallSeconds: round(wallSeconds),
      peakRssMB: memory.peakRssMB,
      historyEvents: history.events,
      instances: Array.isArray(listed) ? listed.length : instanceIds.length,
      status: rollout.status,
      shape,
      startSeconds: round(startSeconds),
      waveDevices: waves.map((w) => w.deviceCount),
      batchesPerWave: waveIds.map((id) => history.scheduled[id]?.dispatchBatch ?? 0),
      healthChecksPerWave: waveIds.map((id) => history.scheduled[id]?.assessWave ?? 0),
      historyByInstance: Object.fromEntries(Object.entries(history.byInstance).map(([id, n]) => [id.slice(rolloutId.length) || 'rollout', n])),
      ...metrics,
      peakRssMBByProcess: memory.peakRssMBByProcess,
    };
  } catch (err) {
    throw new Error(`waves+batches at ${devices}: ${err instanceof Error ? err.message : String(err)}\n--- start-local log (tail) ---\n${stack.logTail().slice(-6000)}`);
  } finally {
    await stack.stop();
  }
}

// ---- the naive design -------------------------------------------------------------------------------------------

async function runNaive(devices: number): Promise<Figures> {
  const spawned = performance.now();
  const host = await startChild(
    [path.join(root, 'dist/devhost/cli.js'), '--app', naiveApp, '--port', '0', '--time-skip'],
    {}, /devhost listening on (http:\/\/[\d.:]+)/, 'devhost (naive app)',
  );
  try {
    const startSeconds = (performance.now() - spawned) / 1000;
    const durable = `${host.base}/runtime/webhooks/durabletask`;
    await call(`${host.base}/admin/host/metrics/reset`, 'POST');
    const started = performance.now();
    const { id } = await expectStatus('start naiveRollout', 202, call(`${durable}/orchestrators/naiveRollout`, 'POST', {
      groups: fleetGroups(devices).map(({ idPrefix, count }) => ({ idPrefix, count })),
      updateName: updateId.name, version: updateId.version, canaryPercent, wavePercents, soakMs, healthCheckIntervalMs,
    }));
    const deadline = started + naiveLimitSeconds * 1000;
    let status: Json;
    let capped = false;
    for (;;) {
      status = (await call(`${durable}/instances/${encodeURIComponent(id)}?showInput=false`)).body;
      if (['Completed', 'Failed', 'Terminated'].includes(status?.runtimeStatus)) break;
      if (performance.now() > deadline) {
        capped = true;
        break;
      }
      await sleep(200);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    if (!capped && (status.runtimeStatus !== 'Completed' || status.output?.status !== 'Completed')) {
      throw new Error(`naive rollout of ${devices} devices ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
    }
    const memory = memoryFigures(host); // before the history request, whose answer is large for this design
    const metrics = await hostMetrics(host.base);
    const history = await historyOf(host.base, [id]);
    const activitiesNeeded = 2 * devices; // at least: one dispatch and one check per device
    return {
      design: 'naive one-activity-per-device',
      devices,
      wallSeconds: round(wallSeconds),
      peakRssMB: memory.peakRssMB,
      historyEvents: history.events,
      instances: 1,
      status: capped ? 'Running (stopped at the time limit)' : status.output.status,
      ...(capped ? {
        capped: `stopped after ${naiveLimitSeconds} s of a rollout needing at least ${activitiesNeeded} activities: ${metrics.activities} activities done, ` +
          `wallSeconds/historyEvents/peakRssMB are what it reached by then (lower bounds, nothing extrapolated)`,
      } : {}),
      shape: `${shape.replace(`, healthCheckInterval ${healthCheckInterval}`, '')}; every device checked once after its wave's soak, ` +
        `again every ${healthCheckInterval} while still installing`,
      startSeconds: round(startSeconds),
      ...metrics,
      peakRssMBByProcess: memory.peakRssMBByProcess,
    };
  } catch (err) {
    throw new Error(`naive at ${devices}: ${err instanceof Error ? err.message : String(err)}\n--- devhost log (tail) ---\n${host.logTail().slice(-6000)}`);
  } finally {
    await host.stop();
  }
}

// ---- main -------------------------------------------------------------------------------------------------------

let tempDir: string | undefined;

function cleanupTemp(): void {
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}
killChildrenOnExit(cleanupTemp);

async function main(): Promise<void> {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-bench-'));
  const real = new Map<number, Figures>();
  const naive = new Map<number, Figures>();
  try {
    for (const devices of sizes) {
      const profile = path.join(tempDir, `fleet-${devices}.json`);
      // No health messages: the bench measures rollouts, and 100,000 devices would send 333 a second for nothing.
      fs.writeFileSync(profile, JSON.stringify({ devices: fleetGroups(devices), behaviors: [], healthTelemetry: false }));
      const figures = await runWavesAndBatches(devices, profile);
      real.set(devices, figures);
      console.log(JSON.stringify(figures));
      const naiveFigures = await runNaive(devices);
      naive.set(devices, naiveFigures);
      console.log(JSON.stringify(naiveFigures));
    }
  } finally {
    cleanupTemp();
  }

  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const largest = Math.max(...sizes);
  const smallest = Math.min(...sizes);
  const big = real.get(largest)!;
  console.log(`goal wall <= 60 s at ${largest} devices: ${big.wallSeconds} s for the rollout (${verdict(big.wallSeconds <= 60)}); ` +
    `${round(big.wallSeconds + Number(big.startSeconds))} s with the stack's start-up`);
  console.log(`goal peak memory <= 1 GB at ${largest} devices: ${big.peakRssMB} MB over all processes (${verdict(big.peakRssMB <= 1024)}); ` +
    `this bench's own driver process (not counted): ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
  for (const devices of sizes) {
    const r = real.get(devices)!;
    const n = naive.get(devices)!;
    const ratio = n.historyEvents / r.historyEvents;
    const bound = n.capped ? ' (naive stopped at its time limit: its count is a lower bound)' : '';
    console.log(`goal >= 10x fewer history events than naive at ${devices} devices: ${r.historyEvents} vs ${n.historyEvents} = ${round(ratio, 1)}x fewer${bound} (${verdict(ratio >= 10)})`);
  }
  if (sizes.length > 1) {
    const small = real.get(smallest)!;
    const ratio = big.historyEvents / small.historyEvents;
    // Each batch is dispatched in its own episode: TaskScheduled, TaskCompleted, OrchestratorStarted, OrchestratorCompleted.
    const batches = (f: Figures) => (f.batchesPerWave as number[]).reduce((a, b) => a + b, 0);
    const why = ratio <= 1 ? '' : `; the growth is all batch dispatches: batches per wave ${JSON.stringify(small.batchesPerWave)} at ${smallest} vs ` +
      `${JSON.stringify(big.batchesPerWave)} at ${largest}, 4 events each; events besides them: ${small.historyEvents - 4 * batches(small)} vs ${big.historyEvents - 4 * batches(big)}`;
    console.log(`goal history does not grow from ${smallest} to ${largest} devices: historyEvents(${largest})/historyEvents(${smallest}) = ` +
      `${big.historyEvents}/${small.historyEvents} = ${round(ratio, 3)} (${verdict(ratio <= 1)}${why})`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  for (const child of running) killGroup(child, 'SIGKILL');
  cleanupTemp();
  process.exit(1);
});
