/**
 * `npm run demo`: a scripted rollout end to end on the local stack. Starts `npm start`'s stack with the built-in demo
 * fleet (which registers contoso/line-controller 2.0.0), rolls 2.0.0 out to every device, shows live progress
 * until the rollout is final (model ctl-b fails to install, so the canary fails and the rollout rolls back by
 * itself), then reports and stops the stack. Ctrl-C stops the stack too.
 *
 *   node dist/scripts/demo.js [--scenario rollback|regression|no-regression] [--time-scale N] [--fast]
 *
 * Scenarios: `rollback` (the default, above); `regression`: a 300-device fleet (fleet-profiles/regression.json)
 * where 2.0.0 installs fine everywhere and no device calls itself unhealthy, but line cycle time is 30 % slower:
 * the rollout's cohort analysis compares the canary with devices not yet updated at the same sites and rolls it
 * back; `no-regression`: the same fleet with 2.0.0 as fast as 1.0.0 (fleet-profiles/no-regression.json), which
 * completes. They judge health messages, which need time to arrive: with --fast they run at ×120 instead.
 *
 * Time runs 20× fast by default: the canary's first health check (after PT5M) decides the roll back and the restore
 * is verified one check later, about 10 virtual minutes, so some 30 s of real time to watch. --fast skips idle time
 * instead (a few seconds, for tests).
 */
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { deviceIdOf, demoProfilePath, loadFleetProfile, noRegressionProfilePath, regressionProfilePath } from '../local-iothub/virtual-devices/fleet-profile';
import { isFinal } from '../domain/rollouts/rollout-status';
import type { RolloutView } from '../domain/rollouts/rollout-view';
import { formatReport, RunRecorder, takeCensus, type Census } from './demo-report';
import { launchDemoStack, type DemoApi, type DemoStack } from './demo-stack';
import { demoUpdateId, registerDemoUpdate } from './demo-update';
import { createProgressView, type ProgressView, type Snapshot } from './demo-view';

const rolloutRequest = {
  updateId: demoUpdateId,
  target: { query: "tags.model IN ['ctl-a', 'ctl-b']" },
  canary: { devices: 20 },
  canarySoak: 'PT30M',
  waves: [{ percent: 25, soak: 'PT1H' }, { percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
  healthCheckInterval: 'PT5M',
  deviceTimeout: 'PT30M',
  failureThreshold: { percent: 5, minDevices: 10 },
};

/** The cohort-analysis scenarios: a canary big enough for a rank test, judged on cycle time against waiting devices. */
const analysisRequest = {
  ...rolloutRequest,
  canary: { devices: 60 },
  canarySoak: 'PT20M',
  waves: [{ percent: 50, soak: 'PT20M' }, { percent: 100, soak: 'PT20M' }],
  analysis: { metrics: [{ name: 'cycleTimeMs', direction: 'lower-is-better', maxRegressionPercent: 10 }] },
};

const scenarios = {
  rollback: { profile: demoProfilePath, request: rolloutRequest, about: 'model ctl-b fails to install: the canary fails and the rollout rolls back' },
  regression: { profile: regressionProfilePath, request: analysisRequest, about: 'every install succeeds, but 2.0.0 is 30 % slower: the cohort analysis rolls the canary back' },
  'no-regression': { profile: noRegressionProfilePath, request: analysisRequest, about: '2.0.0 is as fast as 1.0.0: the rollout completes' },
} as const;
type Scenario = keyof typeof scenarios;

interface Options {
  scenario: Scenario;
  timeScale: number;
  fast: boolean;
}

function parseScenario(value: string): Scenario {
  if (value in scenarios) return value as Scenario;
  throw new InvalidArgumentError(`must be one of ${Object.keys(scenarios).join(', ')}`);
}

const out = process.stdout;
let stack: DemoStack | undefined;
let view: ProgressView | undefined;
let interrupted = false;

function parseScale(value: string): number {
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0) throw new InvalidArgumentError('must be a positive number');
  return scale;
}

/** First signal: stop the stack in order and exit; a second one does not wait any more. */
function onSignal(): void {
  if (interrupted) {
    stack?.kill();
    process.exit(130);
  }
  interrupted = true;
  view?.stop();
  console.error('\nInterrupted: stopping the local stack…');
  void (stack?.stop() ?? Promise.resolve()).then(() => process.exit(130));
}

async function main(): Promise<void> {
  const options = new Command('demo')
    .description('Roll contoso/line-controller 2.0.0 out to the demo fleet on the local stack and watch it roll back')
    .option('--scenario <name>', `what to show: ${Object.keys(scenarios).join(', ')}`, parseScenario, 'rollback' as Scenario)
    .option('--time-scale <n>', 'virtual seconds per real second for durable timers', parseScale, 20)
    .option('--fast', 'skip idle time instead of running it faster (a few seconds in all)', false)
    .parse()
    .opts<Options>();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const scenario = scenarios[options.scenario];
  const request = scenario.request;
  const analysed = options.scenario !== 'rollback';
  // Health messages travel through the hub and the app's trigger: skipping idle time would outrun them.
  const skip = options.fast && !analysed;
  const scale = options.fast && analysed ? 120 : options.timeScale;
  const fleet = loadFleetProfile(scenario.profile);
  const deviceIds = fleet.devices.flatMap((group) => Array.from({ length: group.count }, (_, i) => deviceIdOf(group, i)));
  const sites = new Set(fleet.devices.map((group) => group.tags.site));
  const timeNote = skip ? '(idle time skipped)' : `(time ×${scale})`;
  console.log(`OTA update demo: ${demoUpdateId.provider}/${demoUpdateId.name} ${demoUpdateId.version} to every device of the demo fleet (${deviceIds.length} devices, ${sites.size} sites).`);
  console.log(`Scenario ${options.scenario}: ${scenario.about}.`);
  console.log(`Plan: canary of ${request.canary.devices} devices (soak ${request.canarySoak}), then waves up to ${request.waves.map((w) => `${w.percent} %`).join(' / ')} of the fleet (soak ${request.waves[0]!.soak} each), `
    + `health checked every ${request.healthCheckInterval}, roll back above ${request.failureThreshold.percent} % failures`
    + `${'analysis' in request ? `, or when cycle time is significantly more than ${request.analysis.metrics[0]!.maxRegressionPercent} % worse than on devices not yet updated` : ''}.`);
  console.log(`Starting the local stack (Azurite, Cosmos stand-in, local IoT Hub S3 x 2, Functions host) ${timeNote}…`);

  // An S3 hub: at S1 (20 queries a minute) reading 2,000 devices' reports each health check would be the demo's pace.
  const hub = ['--iothub-sku', 'S3', '--iothub-units', '2'];
  const fleetArgs = options.scenario === 'rollback' ? [] : ['--fleet', scenario.profile];
  stack = launchDemoStack([...hub, ...fleetArgs, ...(skip ? ['--time-skip'] : ['--time-scale', String(scale)])]);
  const api = await stack.ready;
  console.log(`Stack ready at ${api.url}`);
  // `npm start` registers the demo update with its own demo fleet only.
  if (options.scenario !== 'rollback') await registerDemoUpdate(api.url);

  const startMs = (await api.clockMs()) ?? Date.now();
  const created = await api.call<RolloutView>('POST', 'rollouts', request);
  if (created.status !== 201) throw new Error(`creating the rollout failed: ${created.status} ${JSON.stringify(created.body)}`);
  console.log(`Rollout ${created.body.id} created.\n`);

  const realStart = Date.now();
  const recorder = new RunRecorder();
  view = createProgressView(out, timeNote);
  const final = await watch(api, created.body.id, startMs, skip ? 25 : 250, (snapshot) => {
    recorder.observe(snapshot);
    view?.show(snapshot);
  });
  const realMs = Date.now() - realStart;
  view.stop();
  view = undefined;

  const census = await censusWithProgress(api, deviceIds);
  console.log(formatReport({ rollout: final.rollout, recorder, census, virtualMs: final.changedAt, realMs }));
}

/**
 * Polls the rollout (and the durable clock) until its status is final and the record has settled: the final status
 * is written before the waves' (a roll back marks the rollout RolledBack first, then each wave).
 */
async function watch(api: DemoApi, id: string, startMs: number, pollMs: number, onSnapshot: (snapshot: Snapshot) => void): Promise<Snapshot> {
  const deadline = Date.now() + 10 * 60 * 1000;
  const settleMs = 1000;
  let final: { since: number; quietSince: number; key: string } | undefined;
  for (;;) {
    const [{ status, body: rollout }, clockMs] = await Promise.all([api.call<RolloutView>('GET', `rollouts/${id}`), api.clockMs()]);
    if (status !== 200) throw new Error(`GET /api/rollouts/${id} answered ${status}`);
    const changedAt = Math.max(0, Date.parse(rollout.updatedAt) - startMs);
    const snapshot = { rollout, changedAt, clock: Math.max(changedAt, (clockMs ?? startMs) - startMs) };
    onSnapshot(snapshot);
    if (isFinal(rollout.status)) {
      const now = Date.now();
      const key = `${rollout.updatedAt} ${rollout.waves.map((wave) => wave.status).join(',')}`;
      if (final?.key !== key) final = { since: final?.since ?? now, quietSince: now, key };
      if (now - final.quietSince >= settleMs || now - final.since >= 5 * settleMs) return snapshot;
    }
    if (Date.now() > deadline) throw new Error(`rollout ${id} is still ${rollout.status} after 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function censusWithProgress(api: DemoApi, deviceIds: string[]): Promise<Census> {
  const what = `Reading every device (GET /api/devices/{id}, ${deviceIds.length} devices)`;
  if (!out.isTTY) {
    console.log(`\n${what}…`);
    return takeCensus(api, deviceIds, () => {});
  }
  const bar = new SingleBar({ stream: out, hideCursor: true, format: `${what} {bar} {value}/{total}` }, Presets.shades_classic);
  bar.start(deviceIds.length, 0);
  try {
    return await takeCensus(api, deviceIds, (done) => bar.update(done));
  } finally {
    bar.stop();
  }
}

main()
  .catch((err: unknown) => {
    if (interrupted) return; // the stack went away under us on purpose
    view?.stop();
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    const log = stack?.log().trim();
    if (log) console.error(`last output of the local stack:\n${log.split('\n').slice(-20).join('\n')}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (interrupted || !stack) return; // onSignal stops the stack and exits
    console.log('Stopping the local stack…');
    await stack.stop();
    console.log('Stopped.');
  });
