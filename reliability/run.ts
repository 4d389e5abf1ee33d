/**
 * `npm run test:reliability`: the reliability suite against the real local stack (start-local: Azurite, the Cosmos
 * stand-in, the local IoT Hub with virtual devices, the app on the devhost). Prints each part's figures, then a
 * summary with one line per figure so releases can be compared.
 *
 *   node dist/reliability/run.js [--only kill,fuzz,load,faults] [--fuzz-cases 2000] [--seed N]
 *                                [--full | --load-rollouts 5 --load-devices 600] [--load-timeout-min 30]
 *
 * Every figure is printed beside its threshold (thresholds.ts) as PASS or FAIL, then one `figures:` line to compare
 * releases by. Exit status 1 when a figure fails.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runFaults, type FaultFigures } from './faults';
import { runFuzz, type FuzzFigures } from './fuzz';
import { runKillSweep, type KillSweepFigures } from './kill-sweep';
import { runLoad, type LoadFigures } from './load';
import { thresholds } from './thresholds';

const parts = ['kill', 'fuzz', 'load', 'faults'] as const;
type Part = (typeof parts)[number];

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
};
const partList = (value: string): Part[] => {
  const list = value.split(',').map((p) => p.trim());
  const unknown = list.filter((p) => !parts.includes(p as Part));
  if (unknown.length) throw new InvalidArgumentError(`unknown part(s) ${unknown.join(', ')}; parts: ${parts.join(', ')}`);
  return list as Part[];
};

interface Options {
  only: Part[];
  fuzzCases: number;
  seed: number;
  full: boolean;
  loadRollouts: number;
  loadDevices: number;
  loadTimeoutMin: number;
}

/** The size: 50 concurrent rollouts on a fleet of 20,000. */
const fullLoad = { rollouts: 50, devices: 20_000 };

/** One figure against its threshold. */
interface Check {
  figure: string;
  value: string;
  threshold: string;
  ok: boolean;
}
const atMost = (figure: string, value: number, limit: number, unit = ''): Check =>
  ({ figure, value: `${value}${unit}`, threshold: `<= ${limit}${unit}`, ok: value <= limit });

async function main(): Promise<void> {
  const options = new Command('test:reliability')
    .option('--only <parts>', `comma-separated parts to run (${parts.join(', ')})`, partList, [...parts])
    .option('--fuzz-cases <n>', 'requests the fuzzer sends', positive, 2000)
    .option('--seed <n>', 'fast-check seed (printed, to replay a run)', positive, Date.now() % 1_000_000_000)
    .option('--full', `load at the issue's size: ${fullLoad.rollouts} rollouts on ${fullLoad.devices} devices`, false)
    .option('--load-rollouts <n>', 'concurrent rollouts of the load part', positive, 5)
    .option('--load-devices <n>', 'fleet size of the load part', positive, 600)
    .option('--load-timeout-min <n>', 'a load rollout not final after this many minutes counts as not completed', positive, 30)
    .parse()
    .opts<Options>();
  const load = options.full ? fullLoad : { rollouts: options.loadRollouts, devices: options.loadDevices };
  const started = performance.now();
  const checks: Check[] = [];
  const figures: string[] = [];
  const durations: string[] = [];
  const part = async <T>(name: Part, run: () => Promise<T>, report: (figures: T) => { checks: Check[]; line: string }) => {
    if (!options.only.includes(name)) return;
    console.log(`\n== ${name} ==`);
    const t0 = performance.now();
    try {
      const reported = report(await run());
      checks.push(...reported.checks.map((c) => ({ ...c, figure: `${name}: ${c.figure}` })));
      figures.push(reported.line);
    } catch (err) {
      checks.push({ figure: `${name}: ran to the end`, value: `no: ${(err as Error).message.slice(0, 300)}`, threshold: 'yes', ok: false });
    }
    durations.push(`${name} ${Math.round((performance.now() - t0) / 1000)} s`);
  };

  await part('kill', runKillSweep, (f: KillSweepFigures) => {
    const survived = f.points.filter((p) => p.survived).length;
    for (const p of f.points.filter((x) => !x.survived)) console.log(`  not survived: ${p.scenario} at ${p.phase}: ${JSON.stringify(p.violations).slice(0, 500)}`);
    const scenariosOk = f.scenarios.filter((s) => s.ok).length;
    return {
      checks: [
        atMost('kill points not survived', f.points.length - survived, thresholds.killPointsLost),
        atMost('scenarios not reaching their expected end', f.scenarios.length - scenariosOk, 0),
      ],
      line: `kill points survived ${survived}/${f.points.length}`,
    };
  });
  await part('fuzz', () => runFuzz(options.fuzzCases, options.seed), (f: FuzzFigures) => {
    console.log(`  seed ${f.seed}; 5xx by route: ${JSON.stringify(f.byRoute)}; problem+json violations by status: ${JSON.stringify(f.violationsByStatus)}`);
    for (const finding of f.findings) console.log(`  finding: ${finding}`);
    return {
      checks: [
        atMost(`5xx of ${f.cases} cases (seed ${f.seed})`, f.serverErrors, thresholds.fuzzServerErrors),
        atMost('crashes', f.crashes, thresholds.fuzzCrashes),
        atMost('problem+json violations', f.problemViolations, thresholds.fuzzProblemViolations),
        { figure: 'healthy after', value: f.healthyAfter ? 'yes' : 'no', threshold: 'yes', ok: f.healthyAfter },
      ],
      line: `fuzz cases ${f.cases}, 5xx ${f.serverErrors}, crashes ${f.crashes}`,
    };
  });
  await part('load', () => runLoad(load.rollouts, load.devices, options.loadTimeoutMin * 60_000), (f: LoadFigures) => {
    for (const finding of f.findings) console.log(`  error: ${finding}`);
    const factor = Math.round((f.slowestMs / f.aloneMs) * 10) / 10;
    const spread = Math.round((f.slowestMs / f.fastestMs) * 100) / 100;
    const rss = f.peakRssBytes === undefined ? 'unknown' : `${Math.round(f.peakRssBytes / 2 ** 20)} MB`;
    console.log(`  ${f.rollouts} rollouts on ${f.devices} devices, ${f.requests} API calls; alone ${Math.round(f.aloneMs / 1000)} s, concurrent ${Math.round(f.fastestMs / 1000)}–${Math.round(f.slowestMs / 1000)} s; peak RSS of the stack ${rss}`);
    return {
      checks: [
        atMost(`errors of ${f.requests} API calls`, f.errors, thresholds.loadErrors),
        atMost(`rollouts not Completed of ${f.rollouts + 1}`, f.notCompleted, thresholds.loadNotCompleted),
        atMost('p99 API latency', Math.round(f.p99Ms), thresholds.loadP99Ms, ' ms'),
        atMost('slowest concurrent / alone', factor, thresholds.loadSlowestOverAlone),
        atMost('slowest concurrent / fastest concurrent', spread, thresholds.loadSlowestOverFastest),
      ],
      line: `load ${f.rollouts} rollouts/${f.devices} devices: errors ${f.errors}, p99 API latency ${Math.round(f.p99Ms)} ms, slowest/alone ${factor}, peak RSS ${rss}`,
    };
  });
  await part('faults', runFaults, (f: FaultFigures) => {
    for (const fault of f.faults) console.log(`  ${fault.name}: ${fault.recovered ? 'recovered' : 'NOT recovered'} — ${fault.detail}`);
    const recovered = f.faults.filter((x) => x.recovered).length;
    return {
      checks: [atMost(`faults not recovered of ${f.faults.length}`, f.faults.length - recovered, thresholds.faultsNotRecovered)],
      line: `dependency faults recovered ${recovered}/${f.faults.length}`,
    };
  });

  console.log(`\n== summary (${Math.round((performance.now() - started) / 1000)} s: ${durations.join(', ')}) ==`);
  for (const c of checks) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.figure}: ${c.value} (threshold ${c.threshold})`);
  console.log(`figures: ${figures.join('; ')}`);
  process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
