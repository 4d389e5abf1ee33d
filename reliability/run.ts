/**
 * `npm run test:reliability`: the reliability suite against the real local stack (start-local: Azurite, the Cosmos
 * stand-in, the local IoT Hub with virtual devices, the app on the devhost). Prints each part's figures, then a
 * summary with one line per figure so releases can be compared.
 *
 *   node dist/reliability/run.js [--only kill,fuzz,load,faults] [--fuzz-cases 2000] [--seed N]
 *                                [--load-rollouts 5] [--load-devices 600]
 *
 * Exit status 1 when a figure shows a failure (a kill point not survived, a 5xx, a crash, a problem+json violation,
 * a load error, a fault not recovered).
 */
import { Command, InvalidArgumentError } from 'commander';
import { runFaults, type FaultFigures } from './faults';
import { runFuzz, type FuzzFigures } from './fuzz';
import { runKillSweep, type KillSweepFigures } from './kill-sweep';
import { runLoad, type LoadFigures } from './load';

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
  loadRollouts: number;
  loadDevices: number;
}

async function main(): Promise<void> {
  const options = new Command('test:reliability')
    .option('--only <parts>', `comma-separated parts to run (${parts.join(', ')})`, partList, [...parts])
    .option('--fuzz-cases <n>', 'requests the fuzzer sends', positive, 2000)
    .option('--seed <n>', 'fast-check seed (printed, to replay a run)', positive, Date.now() % 1_000_000_000)
    .option('--load-rollouts <n>', 'concurrent rollouts of the load part (issue 15 asks 50)', positive, 5)
    .option('--load-devices <n>', 'fleet size of the load part (issue 15 asks 20000)', positive, 600)
    .parse()
    .opts<Options>();
  const started = performance.now();
  const summary: string[] = [];
  let failed = false;
  const part = async <T>(name: Part, run: () => Promise<T>, report: (figures: T) => { line: string; ok: boolean }) => {
    if (!options.only.includes(name)) return;
    console.log(`\n== ${name} ==`);
    const t0 = performance.now();
    try {
      const { line, ok } = report(await run());
      summary.push(`${line}  (${Math.round((performance.now() - t0) / 1000)} s)`);
      failed ||= !ok;
    } catch (err) {
      summary.push(`${name}: did not run to the end: ${(err as Error).message.slice(0, 300)}`);
      failed = true;
    }
  };

  await part('kill', runKillSweep, (f: KillSweepFigures) => {
    const survived = f.points.filter((p) => p.survived).length;
    for (const p of f.points.filter((x) => !x.survived)) console.log(`  not survived: ${p.scenario} at ${p.phase}: ${JSON.stringify(p.violations).slice(0, 500)}`);
    const scenariosOk = f.scenarios.filter((s) => s.ok).length;
    return { line: `kill points survived: ${survived} of ${f.points.length} (scenarios reaching their expected end: ${scenariosOk} of ${f.scenarios.length})`, ok: survived === f.points.length && scenariosOk === f.scenarios.length };
  });
  await part('fuzz', () => runFuzz(options.fuzzCases, options.seed), (f: FuzzFigures) => {
    console.log(`  seed ${f.seed}; 5xx by route: ${JSON.stringify(f.byRoute)}; problem+json violations by status: ${JSON.stringify(f.violationsByStatus)}`);
    for (const finding of f.findings) console.log(`  finding: ${finding}`);
    return {
      line: `fuzz cases: ${f.cases}, 5xx: ${f.serverErrors}, crashes: ${f.crashes}, problem+json violations: ${f.problemViolations}, healthy after: ${f.healthyAfter ? 'yes' : 'NO'} (seed ${f.seed})`,
      ok: f.serverErrors === 0 && f.crashes === 0 && f.problemViolations === 0 && f.healthyAfter,
    };
  });
  await part('load', () => runLoad(options.loadRollouts, options.loadDevices), (f: LoadFigures) => {
    for (const finding of f.findings) console.log(`  error: ${finding}`);
    const factor = f.slowestMs / f.aloneMs;
    return {
      line: `load: ${f.rollouts} rollouts (fleet ${f.devices}, ${f.requests} API calls), errors: ${f.errors}, not completed: ${f.notCompleted}, p99 API latency: ${Math.round(f.p99Ms)} ms, slowest/alone: ${factor.toFixed(1)} (${Math.round(f.slowestMs)} / ${Math.round(f.aloneMs)} ms)`,
      ok: f.errors === 0 && f.notCompleted === 0,
    };
  });
  await part('faults', runFaults, (f: FaultFigures) => {
    for (const fault of f.faults) console.log(`  ${fault.name}: ${fault.recovered ? 'recovered' : 'NOT recovered'} — ${fault.detail}`);
    const recovered = f.faults.filter((x) => x.recovered).length;
    return { line: `dependency faults: ${recovered} of ${f.faults.length} recovered`, ok: recovered === f.faults.length };
  });

  console.log(`\n== summary (${Math.round((performance.now() - started) / 1000)} s) ==`);
  for (const line of summary) console.log(line);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
