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
import { principalHeaders } from '../scripts/local-principal';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const naiveApp = path.join(root, 'bench/rollout-app');
const caller = 'bench@contoso.com';

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

// ---- processes ------------------------------------------------------------------------------------------------

interface ProcessPeak {
  label: string;
  hwmBytes: number;
}

/** The pid and every descendant of it (from /proc/<pid>/stat parent ids). */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces and parentheses): state, ppid, ...
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function readPeak(pid: number): ProcessPeak | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    if (!kb) return undefined;
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = args.find((a) => a.endsWith('.js') || a.endsWith('.mjs')) ?? args[0] ?? String(pid);
    const label = script.includes('azurite') ? 'azurite' : path.relative(root, script) || script;
    return { label, hwmBytes: Number(kb) * 1024 };
  } catch {
    return undefined; // exited meanwhile
  }
}

interface Child {
  base: string;
  /** Reads VmHWM of the whole process tree now; keeps the highest seen per process. */
  samplePeaks(): void;
  peaks(): ProcessPeak[];
  logTail(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

/** Spawns `node <args>` in its own process group and waits for `ready` (its first group: the base URL) on its output. */
async function startChild(args: string[], env: Record<string, string>, ready: RegExp, what: string): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const lines: string[] = [];
  let partial = '';
  const peaks = new Map<number, ProcessPeak>();
  const samplePeaks = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    for (const pid of processTree(child.pid!)) {
      const peak = readPeak(pid);
      if (peak && peak.hwmBytes > (peaks.get(pid)?.hwmBytes ?? 0)) peaks.set(pid, peak);
    }
  };
  const sampler = setInterval(samplePeaks, 250);
  const stop = async () => {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 10_000); })]);
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // whatever it started and did not stop (e.g. Azurite)
    await exited;
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start within 120 s:\n${lines.join('\n')}`)), 120_000);
      const onData = (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const split = text.split('\n');
        partial = split.pop() ?? '';
        for (const line of split) {
          lines.push(line);
          if (lines.length > 200) lines.shift();
          const match = ready.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (${code ?? signal}):\n${lines.join('\n')}`));
      });
    });
    samplePeaks();
    return { base, samplePeaks, peaks: () => [...peaks.values()], logTail: () => [...lines, partial].join('\n'), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    cleanupTemp();
    process.exit(130);
  });
}

// ---- HTTP -----------------------------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the app's API and the durable HTTP API
type Json = any;

async function call(url: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...principalHeaders(caller) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

async function expectStatus(what: string, status: number, res: Promise<{ status: number; body: Json }>): Promise<Json> {
  const answer = await res;
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 2000)}`);
  return answer.body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** History length of each instance (showHistory through the durable HTTP API), and how many activities of each name it scheduled. */
async function historyOf(base: string, instanceIds: string[]): Promise<{ events: number; byInstance: Record<string, number>; scheduled: Record<string, Record<string, number>> }> {
  const byInstance: Record<string, number> = {};
  const scheduled: Record<string, Record<string, number>> = {};
  let events = 0;
  for (const id of instanceIds) {
    const { status, body } = await call(`${base}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true&showInput=false`);
    if (status !== 200 && status !== 202) throw new Error(`history of ${id}: ${status} ${JSON.stringify(body)?.slice(0, 500)}`);
    const history: Json[] = Array.isArray(body?.historyEvents) ? body.historyEvents : [];
    byInstance[id] = history.length;
    events += history.length;
    const names: Record<string, number> = {};
    for (const event of history) if (event.EventType === 'TaskScheduled') names[event.Name] = (names[event.Name] ?? 0) + 1;
    scheduled[id] = names;
  }
  return { events, byInstance, scheduled };
}

// ---- figures ----------------------------------------------------------------------------------------------------

interface Figures {
  design: string;
  devices: number;
  wallSeconds: number;
  peakRssMB: number;
  historyEvents: number;
  instances: number;
  [key: string]: unknown;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const mb = (bytes: number) => round(bytes / 2 ** 20, 0);

function memoryFigures(child: Child): { peakRssMB: number; peakRssMBByProcess: Record<string, number> } {
  child.samplePeaks();
  const byProcess: Record<string, number> = {};
  let total = 0;
  for (const { label, hwmBytes } of child.peaks()) {
    byProcess[label] = (byProcess[label] ?? 0) + mb(hwmBytes);
    total += hwmBytes;
  }
  return { peakRssMB: mb(total), peakRssMBByProcess: byProcess };
}

async function hostMetrics(base: string): Promise<Record<string, number>> {
  const m = (await call(`${base}/admin/host/metrics`)).body as Record<string, number>;
  return { activities: m.activitiesCompleted ?? NaN, episodes: m.episodes ?? NaN, episodeMsMedian: round(m.episodeMsMedian ?? NaN), episodeMsMax: round(m.episodeMsMax ?? NaN) };
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

async function runNaive(devices: number, profile: string): Promise<Figures> {
  const spawned = performance.now();
  const host = await startChild(
    [path.join(root, 'dist/devhost/cli.js'), '--app', naiveApp, '--port', '0', '--time-skip'],
    { FLEET_PROFILE: profile }, /devhost listening on (http:\/\/[\d.:]+)/, 'devhost (naive app)',
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

async function main(): Promise<void> {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-bench-'));
  const real = new Map<number, Figures>();
  const naive = new Map<number, Figures>();
  try {
    for (const devices of sizes) {
      const profile = path.join(tempDir, `fleet-${devices}.json`);
      fs.writeFileSync(profile, JSON.stringify({ devices: fleetGroups(devices), behaviors: [] }));
      const figures = await runWavesAndBatches(devices, profile);
      real.set(devices, figures);
      console.log(JSON.stringify(figures));
      const naiveFigures = await runNaive(devices, profile);
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
